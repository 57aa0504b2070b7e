import Foundation
import XCTest
@testable import VietSearch

/// Indexes written by an older or a future format version (Fixtures/storage/v0-too-old, v2-too-new) must
/// give "too old" / "too new" naming the file, never "corrupt" and never a crash, from every entry point.
final class FormatVersionTests: FacadeTestCase {
    private static let storageFixtures: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url.appendingPathComponent("Fixtures/storage")
    }()

    /// A writable copy of a fixture index (opening for writing must not touch the original).
    private func copy(_ fixture: String) throws -> String {
        let path = temporaryIndexPath()
        try FileManager.default.copyItem(at: Self.storageFixtures.appendingPathComponent(fixture),
                                         to: URL(fileURLWithPath: path))
        return path
    }

    private let manifest = "manifest-0000000000000001.vsm"

    func testOlderFormatIsTooOld() throws {
        let index = try Index.open(at: try copy("v0-too-old"), createIfMissing: false)
        let expected = VietSearchError.formatTooOld(file: manifest, version: 0, oldestSupported: 1)
        assertThrows(try index.searcher(), expected)
        assertThrows(try index.check(), expected)
        assertThrows(try index.writer(), expected)
    }

    func testFutureFormatIsTooNew() throws {
        let index = try Index.open(at: try copy("v2-too-new"), createIfMissing: false)
        let expected = VietSearchError.formatTooNew(file: manifest, version: 2, newestSupported: 1)
        assertThrows(try index.searcher(), expected)
        assertThrows(try index.check(), expected)
        assertThrows(try index.writer(), expected)
    }

    /// A future-format segment named by a current manifest: the segment is the file reported.
    func testFutureSegmentUnderCurrentManifestIsTooNew() throws {
        let path = try copy("v1-tiny")
        let segment = "seg-00112233445566778899aabbccddeeff.vss"
        let future = try copy("v2-too-new")
        try FileManager.default.removeItem(atPath: path + "/" + segment)
        try FileManager.default.copyItem(atPath: future + "/" + segment, toPath: path + "/" + segment)
        let index = try Index.open(at: path, createIfMissing: false)
        let expected = VietSearchError.formatTooNew(file: segment, version: 2, newestSupported: 1)
        assertThrows(try index.searcher(), expected)
        assertThrows(try index.check(), expected)
    }

    func testCurrentFixtureStillOpens() throws {
        let report = try Index.open(at: try copy("v1-tiny"), createIfMissing: false).check()
        XCTAssertEqual(report.documents, 2)
    }
}
