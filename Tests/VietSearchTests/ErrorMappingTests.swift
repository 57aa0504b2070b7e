import Foundation
import XCTest
import VietSearchStorage
@testable import VietSearch

final class ErrorMappingTests: FacadeTestCase {
    func testStorageErrorsMapToFacadeErrors() {
        XCTAssertEqual(VietSearchError(StorageError.corrupt(file: "seg-1.vss", offset: 42, reason: "bad block")),
                       .corruptIndex(file: "seg-1.vss", offset: 42, reason: "bad block"))
        XCTAssertEqual(VietSearchError(StorageError.versionTooOld(file: "m", version: 0, oldestSupported: 1)),
                       .formatTooOld(file: "m", version: 0, oldestSupported: 1))
        XCTAssertEqual(VietSearchError(StorageError.versionTooNew(file: "m", version: 9, newestSupported: 1)),
                       .formatTooNew(file: "m", version: 9, newestSupported: 1))
        XCTAssertEqual(VietSearchError(StorageError.locked(path: "/i", holder: "pid 7")), .locked(path: "/i", holder: "pid 7"))
        XCTAssertEqual(VietSearchError(StorageError.notAnIndex(path: "/i")), .notAnIndex(path: "/i"))
        XCTAssertEqual(VietSearchError(StorageError.limitExceeded("256 fields")), .limitExceeded("256 fields"))
        guard case .io(let path, let message) = VietSearchError(StorageError.io(path: "/i/x", operation: "fsync", errno: 5)) else {
            return XCTFail("io should map to io")
        }
        XCTAssertEqual(path, "/i/x")
        XCTAssertTrue(message.hasPrefix("fsync failed"), message)
        XCTAssertTrue(message.contains("errno 5"), message)
    }

    /// Writes a small committed index on disk and returns its path and first segment file name.
    private func diskIndex() throws -> (path: String, segmentFile: String) {
        let path = temporaryIndexPath()
        let index = try Index.open(at: path)
        try self.index((0..<20).map { Document(id: "\($0)", title: "Tin số \($0)", body: "Nội dung bài báo số \($0)") },
                       into: index)
        let segment = try XCTUnwrap(try index.store.readManifest().segments.first)
        return (path, segment.fileName)
    }

    private func flipByte(in file: String, at offset: Int) throws {
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: file))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        let byte = try XCTUnwrap(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data([byte ^ 0xFF]))
    }

    func testCheckNamesTheCorruptSegmentFile() throws {
        let (path, segmentFile) = try diskIndex()
        XCTAssertEqual(try Index.open(at: path).check().documents, 20)
        let file = path + "/" + segmentFile
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        try flipByte(in: file, at: size / 2)
        XCTAssertThrowsError(try Index.open(at: path).check()) { error in
            guard case .corruptIndex(let name, let offset, _) = error as? VietSearchError else {
                return XCTFail("expected corruptIndex, got \(error)")
            }
            XCTAssertTrue(name.hasSuffix(segmentFile), name)
            XCTAssertGreaterThanOrEqual(offset, 0)
            XCTAssertLessThanOrEqual(offset, size)
        }
    }

    func testADamagedHeaderIsReportedWhenSearching() throws {
        let (path, segmentFile) = try diskIndex()
        try flipByte(in: path + "/" + segmentFile, at: 0)
        XCTAssertThrowsError(try Index.open(at: path).searcher().search("tin")) { error in
            guard case .corruptIndex(let name, _, _) = error as? VietSearchError else {
                return XCTFail("expected corruptIndex, got \(error)")
            }
            XCTAssertTrue(name.hasSuffix(segmentFile), name)
        }
    }

    func testATruncatedSegmentIsReported() throws {
        let (path, segmentFile) = try diskIndex()
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path + "/" + segmentFile))
        try handle.truncate(atOffset: 100)
        try handle.close()
        XCTAssertThrowsError(try Index.open(at: path).searcher()) { error in
            guard case .corruptIndex(let name, _, _) = error as? VietSearchError else {
                return XCTFail("expected corruptIndex, got \(error)")
            }
            XCTAssertTrue(name.hasSuffix(segmentFile), name)
        }
    }

    func testStatisticsCountComponents() throws {
        let (path, _) = try diskIndex()
        let statistics = try Index.open(at: path).statistics()
        XCTAssertEqual(statistics.documents, 20)
        XCTAssertEqual(statistics.segments, 1)
        XCTAssertEqual(statistics.termsPerField["id"], 20)
        XCTAssertGreaterThan(statistics.termsPerField["body"] ?? 0, 0)
        XCTAssertGreaterThan(statistics.bytesPerComponent["postings"] ?? 0, 0)
        XCTAssertGreaterThan(statistics.bytesPerComponent["manifest"] ?? 0, 0)
        XCTAssertEqual(statistics.totalBytes, statistics.bytesPerComponent.values.reduce(0, +))
    }
}
