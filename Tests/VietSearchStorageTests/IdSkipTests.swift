import XCTest
import VietSearchTestSupport
@testable import VietSearchStorage

/// Reading an id skips the ids before it in its block, four at a time over runs of one width (the usual
/// fixed-width ids) and one by one elsewhere; every id must read back the same either way.
final class IdSkipTests: XCTestCase {
    private func segment(ids: [String]) throws -> (IndexStore, SegmentMeta) {
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        for id in ids {
            try builder.add(DocumentPostings(stored: [StoredField(name: "id", value: id)], fieldLengths: [1],
                                             occurrences: [TermOccurrence(field: body, term: Array("w".utf8), position: 0)]))
        }
        let store = IndexStore.inMemory()
        return (store, try store.writeSegment(builder))
    }

    /// Runs of 1 to 9 equal-width ids (widths 0 to 127 bytes, and 128+ with two-byte lengths) across
    /// several blocks, each id read back in random order.
    func testRunsOfEqualWidthIdsReadBackAtEveryPosition() throws {
        var generator = SeededGenerator(seed: 0x1D5)
        var ids: [String] = []
        while ids.count < 900 {
            let width = [0, 1, 7, 8, 8, 8, 63, 126, 127, 128, 200][generator.next(below: 11)]
            for _ in 0..<(1 + generator.next(below: 9)) {
                let number = String(ids.count)
                ids.append(width >= number.count ? String(repeating: "x", count: width - number.count) + number : "")
            }
        }
        let (store, meta) = try segment(ids: ids)
        let reader = try store.openSegment(meta)
        XCTAssertEqual(reader.ids.blockCount, (ids.count + 127) / 128)
        var docs = Array(0..<ids.count)
        docs.shuffle(using: &generator)
        for doc in docs {
            XCTAssertEqual(try reader.storedID(doc: UInt32(doc)), ids[doc], "doc \(doc)")
        }
    }

    /// Ids of 0 to 20 bytes, ASCII (made in place as small strings up to 15 bytes) and with non-ASCII
    /// letters (validated), read back exactly on both sides of the small-string boundary.
    func testShortAndLongIdsReadBackAcrossTheSmallStringBoundary() throws {
        var ids: [String] = []
        for width in 0...20 {
            ids.append(String(repeating: "a", count: width))
            ids.append(String(String(repeating: "z", count: width).prefix(Swift.max(0, width - 2))) + (width >= 2 ? "đ" : ""))
            ids.append(String(repeating: "7", count: width) + "~")
        }
        let (store, meta) = try segment(ids: ids)
        let reader = try store.openSegment(meta)
        for (doc, id) in ids.enumerated() {
            let read = try reader.storedID(doc: UInt32(doc))
            XCTAssertEqual(read, id, "doc \(doc)")
            XCTAssertEqual(Array(read.utf8), Array(id.utf8), "doc \(doc): bytes")
        }
    }

    /// A damaged id block fails every read of its ids with an error at the block's offset (whichever way
    /// its ids would be skipped), while the other blocks still answer.
    func testDamagedIdBlockFailsEveryReadAtItsOffset() throws {
        let ids = (0..<400).map { String(format: "d%07d", $0) }
        let (store, meta) = try segment(ids: ids)
        let intact = try store.openSegment(meta)
        let range = try intact.ids.blockRange(1)
        var bytes = try store.fileBytes(meta.fileName)
        bytes[range.lowerBound + 9 * 50] ^= 0x01  // a length byte in the middle of the block
        try store.overwriteFile(meta.fileName, with: bytes)
        let reader = try store.openSegment(meta)
        XCTAssertEqual(try reader.storedID(doc: 3), "d0000003")
        XCTAssertEqual(try reader.storedID(doc: 300), "d0000300")
        for doc: UInt32 in [128, 170, 255, 130] {
            XCTAssertThrowsError(try reader.storedID(doc: doc)) { error in
                guard case StorageError.corrupt(_, let offset, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(offset, range.lowerBound, "doc \(doc)")
            }
        }
        XCTAssertThrowsError(try reader.storedID(doc: 400))
    }

    /// Blocks whose ids all share one width are read by position (`IDBlockWidths`): full and partial
    /// blocks of widths 0, 8 and 127, next to a block whose total length matches a uniform width although
    /// its lengths differ (8, 7, 9, 8, …): every id reads back, in any order, twice (classified, then known).
    func testUniformAndLookalikeBlocksReadBackByPosition() throws {
        var ids: [String] = []
        ids += (0..<128).map { String(format: "u%07d", $0) }                            // uniform, width 8
        ids += (0..<128).map { _ in "" }                                                // uniform, width 0
        ids += (0..<128).map { i in i == 1 ? "x234567" : i == 2 ? "y23456789" : String(format: "m%07d", i) }
        ids += (0..<128).map { String(repeating: "z", count: 124) + String(format: "%03d", $0) } // width 127
        ids += (0..<77).map { String(format: "t%07d", $0) }                             // partial, width 8
        let (store, meta) = try segment(ids: ids)
        let reader = try store.openSegment(meta)
        var generator = SeededGenerator(seed: 0x1DB)
        for _ in 0..<2 {
            var docs = Array(0..<ids.count)
            docs.shuffle(using: &generator)
            for doc in docs { XCTAssertEqual(try reader.storedID(doc: UInt32(doc)), ids[doc], "doc \(doc)") }
        }
    }

    /// The classification itself: one width only when every length byte at the uniform stride agrees and
    /// the bytes end exactly after `idCount` ids.
    func testBlockClassification() {
        func classify(_ bytes: [UInt8], _ count: Int) -> UInt8 {
            bytes.withUnsafeBytes { IDBlockWidths.classify(idCount: count, bytes: $0) }
        }
        XCTAssertEqual(classify([2, 65, 66, 2, 67, 68], 2), 4)          // two ids of width 2
        XCTAssertEqual(classify([0, 0, 0], 3), 2)                       // three empty ids
        XCTAssertEqual(classify([2, 65, 66, 1, 67, 0], 3), 1)           // widths 2, 1, 0
        XCTAssertEqual(classify([1, 65, 3, 66, 67, 68], 2), 1)          // 1 + 3 = 2 · 2, lengths differ
        XCTAssertEqual(classify([2, 65, 66, 2, 67], 2), 1)              // truncated
        XCTAssertEqual(classify([2, 65, 66, 2, 67, 68, 0], 2), 1)       // trailing byte
        XCTAssertEqual(classify([0x80, 1], 1), 1)                       // two-byte length
        XCTAssertEqual(classify([], 0), 1)
    }
}
