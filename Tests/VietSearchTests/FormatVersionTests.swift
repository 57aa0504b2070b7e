import Foundation
import XCTest
@testable import VietSearch

/// Indexes written by an older or a future format version (Fixtures/storage/v0-too-old, v1-tiny, v2-tiny,
/// v3-tiny, v5-too-new)
/// must give "too old" / "too new" naming the file, never "corrupt" and never a crash, from every entry point.
/// Version 1 is too old since format 2 (its segments carry no checksums a search can verify: rebuild),
/// version 2 since format 3 (stored fields without dictionaries: rebuild), version 3 since format 4
/// (varint positions: rebuild).
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
        for (fixture, version) in [("v0-too-old", 0), ("v1-tiny", 1), ("v2-tiny", 2), ("v3-tiny", 3)] {
            let index = try Index.open(at: try copy(fixture), createIfMissing: false)
            let expected = VietSearchError.formatTooOld(file: manifest, version: version, oldestSupported: 4)
            assertThrows(try index.searcher(), expected)
            assertThrows(try index.check(), expected)
            assertThrows(try index.writer(), expected)
        }
    }

    func testFutureFormatIsTooNew() throws {
        let index = try Index.open(at: try copy("v5-too-new"), createIfMissing: false)
        let expected = VietSearchError.formatTooNew(file: manifest, version: 5, newestSupported: 4)
        assertThrows(try index.searcher(), expected)
        assertThrows(try index.check(), expected)
        assertThrows(try index.writer(), expected)
    }

    /// A segment of another format version named by a current manifest: the segment is the file reported.
    func testOtherVersionSegmentUnderCurrentManifest() throws {
        let segment = "seg-00112233445566778899aabbccddeeff.vss"
        for (fixture, expected) in [
            ("v5-too-new", VietSearchError.formatTooNew(file: segment, version: 5, newestSupported: 4)),
            ("v1-tiny", VietSearchError.formatTooOld(file: segment, version: 1, oldestSupported: 4)),
            ("v2-tiny", VietSearchError.formatTooOld(file: segment, version: 2, oldestSupported: 4)),
            ("v3-tiny", VietSearchError.formatTooOld(file: segment, version: 3, oldestSupported: 4)),
        ] {
            let path = try copy("v4-tiny")
            let other = try copy(fixture)
            try FileManager.default.removeItem(atPath: path + "/" + segment)
            try FileManager.default.copyItem(atPath: other + "/" + segment, toPath: path + "/" + segment)
            let index = try Index.open(at: path, createIfMissing: false)
            assertThrows(try index.searcher(), expected)
            assertThrows(try index.check(), expected)
        }
    }

    func testCurrentFixtureStillOpens() throws {
        let report = try Index.open(at: try copy("v4-tiny"), createIfMissing: false).check()
        XCTAssertEqual(report.documents, 2)
    }
}
