import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Reading a document's positions from a cursor (`PostingsCursor.positions`, which locates the document's
/// values by the block's value starts, the tfs of the documents before it summed once per block) against
/// the documents' words: cursors that step and jump ahead (within a block and across blocks, through the
/// skip table), read only some documents, read one document twice, and reach the short varint-coded last
/// block; some documents hold hundreds of a key, so their values straddle position blocks.
final class PositionReadTests: XCTestCase {
    private static let vocabulary = ["a", "b", "c"]

    func testPositionsOfVisitedDocumentsMatchTheirWords() throws {
        for seed: UInt64 in [3, 17, 91] {
            var generator = SeededGenerator(seed: seed)
            // Not a multiple of 128, so frequent words end with a short (varint) block.
            let documentCount = 700 + Int(seed)
            let words = RandomWordDocuments.make(count: documentCount, longOneIn: 10, longLengths: 200...600, shortLengths: 0...25,
                                                 aBelow: 6, bBelow: 9, using: &generator)
            let reader = try bodyWordsSegment(words)
            for word in Self.vocabulary {
                let expected: [UInt32: [UInt32]] = Dictionary(uniqueKeysWithValues: words.enumerated().compactMap { doc, document in
                    let positions = document.indices.filter { document[$0] == word }.map { UInt32($0) }
                    return positions.isEmpty ? nil : (UInt32(doc), positions)
                })
                let info = try XCTUnwrap(try reader.termInfo(field: 0, term: Array(word.utf8)))
                XCTAssertGreaterThan(info.documentFrequency, 128, "\(word): the list spans several blocks")
                var cursor = try PostingsCursor(reader.bytes, postings: reader.layout.range(.postings),
                                                positions: reader.layout.range(.positions),
                                                documentCount: reader.layout.documentCount, info: info, checksums: reader.checksums)
                var doc = try cursor.nextDoc()
                var visited = 0, read = 0
                while doc != PostingsCursor.noMoreDocs {
                    visited += 1
                    let model = try XCTUnwrap(expected[doc], "\(word): doc \(doc) is listed")
                    let roll = Int.random(in: 0..<6, using: &generator)
                    // The tf read before the positions on some documents, after them on others (the block's
                    // frequencies are unpacked by whichever comes first).
                    if roll != 1 { XCTAssertEqual(cursor.currentFrequency(), UInt32(model.count), "\(word) doc \(doc): tf") }
                    if roll < 3 {
                        XCTAssertEqual(try cursor.positions(), model, "seed \(seed) \(word) doc \(doc)")
                        read += 1
                    }
                    if roll == 1 { XCTAssertEqual(cursor.currentFrequency(), UInt32(model.count), "\(word) doc \(doc): tf") }
                    if roll == 0 {
                        XCTAssertEqual(try cursor.positions(), model, "seed \(seed) \(word) doc \(doc), read again")
                    }
                    // Mostly the next document, sometimes a jump within the block or past several blocks.
                    switch Int.random(in: 0..<20, using: &generator) {
                    case 0: doc = try cursor.advance(to: doc + UInt32.random(in: 2...20, using: &generator))
                    case 1: doc = try cursor.advance(to: doc + UInt32.random(in: 60...200, using: &generator))
                    default: doc = try cursor.nextDoc()
                    }
                }
                XCTAssertGreaterThan(visited, 20, "\(word)")
                XCTAssertGreaterThan(read, 5, "\(word)")
            }
        }
    }

    /// A block's value starts (where each document's positions begin) come from its tfs whether these are
    /// still bit-packed when the block's first positions are read (no tf read yet, or one: the sums are taken
    /// straight from the packed bits), already unpacked (a second tf read unpacks them) or varint-coded (the
    /// short last block): every document's positions, read without a tf read of their own
    /// (`readPositions`), and its tf, read after them, match the words.
    func testPositionsWhateverTheFrequenciesState() throws {
        var generator = SeededGenerator(seed: 41)
        let words = RandomWordDocuments.make(count: 1_000, longOneIn: 9, longLengths: 100...400, shortLengths: 1...20,
                                             aBelow: 6, bBelow: 9, using: &generator)
        let reader = try bodyWordsSegment(words)
        for word in Self.vocabulary {
            for frequencyReads in 0...3 {
                let info = try XCTUnwrap(try reader.termInfo(field: 0, term: Array(word.utf8)))
                XCTAssertGreaterThan(info.documentFrequency, 256, "\(word): several full blocks")
                var cursor = try PostingsCursor(reader.bytes, postings: reader.layout.range(.postings),
                                                positions: reader.layout.range(.positions),
                                                documentCount: reader.layout.documentCount, info: info, checksums: reader.checksums)
                var buffer: [UInt32] = []
                var doc = try cursor.nextDoc()
                var listed = 0
                while doc != PostingsCursor.noMoreDocs {
                    let model = words[Int(doc)].indices.filter { words[Int(doc)][$0] == word }.map { UInt32($0) }
                    if listed % PostingsWriter.blockSize == 0 {
                        for _ in 0..<frequencyReads { XCTAssertEqual(cursor.currentFrequency(), UInt32(model.count)) }
                    }
                    let count = try cursor.readPositions(into: &buffer)
                    XCTAssertEqual(Array(buffer[0..<count]), model, "\(word) doc \(doc), \(frequencyReads) tf reads first")
                    XCTAssertEqual(cursor.currentFrequency(), UInt32(model.count), "\(word) doc \(doc): tf after the positions")
                    listed += 1
                    doc = try cursor.nextDoc()
                }
                XCTAssertEqual(listed, Int(info.documentFrequency))
            }
        }
    }
}
