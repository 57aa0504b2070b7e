import XCTest
@testable import VietSearchStorage

/// The read paths that skip work after the first use: blocks checksummed once per open segment
/// (`VerifiedBlocks`), term entries scanned in place (`TermBlockIterator.seek`), ids skipped on the raw block.
final class LookupFastPathTests: XCTestCase {
    func testVerifiedBlocksRememberOnlySuccessfulChecks() throws {
        let blocks = VerifiedBlocks(blockCount: 130)
        XCTAssertFalse(blocks.contains(0))
        var calls = 0
        try blocks.verifyOnce(129) { calls += 1 }
        try blocks.verifyOnce(129) { calls += 1 }
        XCTAssertEqual(calls, 1, "a block that passed is not checked again")
        XCTAssertTrue(blocks.contains(129))
        XCTAssertFalse(blocks.contains(128))
        struct Damaged: Error {}
        for _ in 0..<2 {
            XCTAssertThrowsError(try blocks.verifyOnce(64) { throw Damaged() }, "a failing block fails every time")
        }
        XCTAssertFalse(blocks.contains(64))
        XCTAssertFalse(blocks.contains(-1))
        XCTAssertFalse(blocks.contains(500), "outside the set")
        blocks.insert(500)
        XCTAssertFalse(blocks.contains(500))
    }

    private func segment(documents: [(id: String, words: [String])]) throws -> (IndexStore, SegmentMeta) {
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        for document in documents {
            let occurrences = document.words.enumerated().map {
                TermOccurrence(field: body, term: Array($0.element.utf8), position: UInt32($0.offset))
            }
            try builder.add(DocumentPostings(stored: [StoredField(name: "id", value: document.id)],
                                             fieldLengths: [UInt32(document.words.count)], occurrences: occurrences))
        }
        let store = IndexStore.inMemory()
        return (store, try store.writeSegment(builder))
    }

    /// Ids of one to three hundred bytes (one- and two-byte lengths) read back at every position of
    /// several id blocks.
    func testIdsOfEveryLengthReadBackAtEveryPosition() throws {
        let documents = (0..<300).map { number in
            (id: String(repeating: "x", count: (number * 37) % 300 + 1) + "\(number)", words: ["w\(number % 7)"])
        }
        let (store, meta) = try segment(documents: documents)
        let reader = try store.openSegment(meta)
        XCTAssertGreaterThan(reader.ids.blockCount, 2)
        for (doc, document) in documents.enumerated().reversed() {
            XCTAssertEqual(try reader.storedID(doc: UInt32(doc)), document.id)
        }
        XCTAssertThrowsError(try reader.storedID(doc: 300))
    }

    /// A damaged term block fails every lookup in it (its failure is not remembered as a pass), while an
    /// intact block keeps answering after its first, checked, use.
    func testDamagedTermBlockFailsEveryUse() throws {
        let words = (0..<400).map { "term\(String($0, radix: 7))" }
        let (store, meta) = try segment(documents: words.enumerated().map { (id: "d\($0.offset)", words: [$0.element]) })
        let intact = try store.openSegment(meta)
        let dictionary = intact.dictionary
        XCTAssertGreaterThan(dictionary.blockCount, 2)
        let damagedBlock = dictionary.blockCount - 1
        let range = try dictionary.blockRange(damagedBlock)
        var bytes = try store.fileBytes(meta.fileName)
        bytes[range.lowerBound + 3] ^= 0x10
        try store.overwriteFile(meta.fileName, with: bytes)
        let reader = try store.openSegment(meta)
        let firstKey = try dictionary.firstKey(0)
        let lastKey = try dictionary.firstKey(damagedBlock)
        for _ in 0..<2 {
            XCTAssertNotNil(try reader.dictionary.lookup(firstKey))
            XCTAssertThrowsError(try reader.dictionary.lookup(lastKey)) { error in
                guard case StorageError.corrupt(_, let offset, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(offset, range.lowerBound)
            }
        }
        // Every word is found by the in-place scan, and neighbours that are absent are not.
        let body = try XCTUnwrap(intact.fieldNumber(named: "body"))
        for word in words {
            XCTAssertEqual(try intact.termInfo(field: body, term: Array(word.utf8))?.documentFrequency, 1, word)
            XCTAssertNil(try intact.termInfo(field: body, term: Array((word + "z").utf8)), word)
            XCTAssertNil(try intact.termInfo(field: body, term: Array(word.utf8) + [0]), word)
        }
        XCTAssertNil(try intact.termInfo(field: body, term: Array("term".utf8)))
        XCTAssertNil(try intact.termInfo(field: body, term: Array("a".utf8)))
        XCTAssertNil(try intact.termInfo(field: body, term: Array("z".utf8)))
    }
}
