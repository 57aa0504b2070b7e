import XCTest
@testable import VietSearchStorage

/// The deletes file of FORMAT.md's worked example, byte for byte, and its effect on the tiny segment.
final class DeletesFileTests: XCTestCase {
    static let example: [UInt8] = [
        0x56, 0x53, 0x52, 0x43, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
        0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x02, 0x02,
        0x56, 0x53, 0x46, 0x54, 0x01, 0x00, 0x00, 0x00, 0xbf, 0x48, 0xa8, 0x41,
    ]

    func testWorkedExampleIsWrittenByteForByteAndGivesLiveStatistics() throws {
        let store = IndexStore.inMemory()
        let id = try XCTUnwrap(FormatFixtureTests.segmentID)
        let (parts, checksum, _) = try SegmentWriter.serialize(try FormatFixtureTests.tinyBuilder(), id: id)
        let bytes = parts.flatMap { $0 }
        try store.overwriteFile(Manifest.segmentFileName(id), with: bytes)
        let meta = SegmentMeta(id: id, documentCount: 2, fileName: Manifest.segmentFileName(id),
                               fileSize: UInt64(bytes.count), checksum: checksum)
        try store.commit(Manifest(generation: 1, segments: [meta]))
        let deleted = try store.writeDeletes([1], in: try store.openSegment(meta), generation: 2)
        XCTAssertEqual(deleted.deletesFileName, "del-00112233445566778899aabbccddeeff-0000000000000002.vsd")
        XCTAssertEqual(try store.fileBytes(try XCTUnwrap(deleted.deletesFileName)), Self.example)
        XCTAssertEqual(deleted.deletesChecksum, 0x41a8_48bf)
        XCTAssertEqual(deleted.deletedCount, 1)

        let reader = try store.openSegment(deleted)
        XCTAssertEqual(reader.liveDocumentCount, 1)
        XCTAssertEqual(reader.sumOfFieldLengths(field: 1), 2)
        XCTAssertEqual(try reader.termInfo(field: 1, term: Array("chao".utf8))?.documentFrequency, 1)
        XCTAssertNil(try reader.termInfo(field: 1, term: Array("ban".utf8)), "only the deleted doc has it")
        XCTAssertEqual(try reader.terms(field: 1, prefix: [], limit: 10).map { String(decoding: $0.term, as: UTF8.self) },
                       ["chao", "xin"])
        // Deleting again adds nothing: no new file.
        XCTAssertEqual(try store.writeDeletes([1], in: reader, generation: 3), deleted)

        // The manifest entry round-trips.
        let manifest = Manifest(generation: 2, segments: [deleted])
        try store.commit(manifest)
        XCTAssertEqual(try store.readManifest(), manifest)
    }

    func testInconsistentManifestDeleteFieldsAreCorrupt() throws {
        let id = try XCTUnwrap(FormatFixtureTests.segmentID)
        var meta = SegmentMeta(id: id, documentCount: 2, fileName: Manifest.segmentFileName(id), fileSize: 351, checksum: 1)
        meta.deletedCount = 1  // but no deletes generation
        let store = IndexStore.inMemory()
        try store.overwriteFile(Manifest.fileName(generation: 1), with: Manifest(generation: 1, segments: [meta]).encoded())
        XCTAssertThrowsError(try store.readManifest()) { error in
            guard case StorageError.corrupt(let file, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, Manifest.fileName(generation: 1))
        }
    }
}
