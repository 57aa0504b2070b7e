import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The cursor intersection (`PostingsCursor.nextCommonDoc`) and the exact-phrase positions join
/// (`PostingsCursor.exactPhraseFrequency`) against a plain model of the documents: short and long
/// documents (a key's values straddle position blocks, some documents hold hundreds of one key),
/// deleted documents, repeated keys, documents skipped without reading their positions, and targets
/// that jump ahead (skip-table advances).
final class PhraseJoinTests: XCTestCase {
    private static let vocabulary = ["a", "b", "c"]

    private struct Fixture {
        var reader: SegmentReader
        var words: [[String]]
        var deletions: DeletedDocs
    }

    private func makeFixture(seed: UInt64, documentCount: Int) throws -> Fixture {
        var generator = SeededGenerator(seed: seed)
        // Skewed: "a" is frequent, "c" rarer, so keys differ in tf per document and in df.
        let words = RandomWordDocuments.make(count: documentCount, longOneIn: 8, longLengths: 150...700, shortLengths: 0...30,
                                             aBelow: 5, bBelow: 8, using: &generator)
        let reader = try bodyWordsSegment(words)
        let deletions = everyNthDeleted(of: documentCount, modulus: 7, remainder: 3)
        return Fixture(reader: reader, words: words, deletions: deletions)
    }

    private func cursor(_ fixture: Fixture, _ word: String, deleting: Bool) throws -> PostingsCursor {
        try bodyWordCursor(fixture.reader, word, deletions: deleting ? fixture.deletions : nil)
    }

    func testIntersectionAndJoinMatchModel() throws {
        let fixture = try makeFixture(seed: 0x9a5e, documentCount: 900)
        var generator = SeededGenerator(seed: 77)
        let phrases = [["a", "b"], ["b", "a"], ["a", "a"], ["c", "b"], ["a", "b", "c"], ["c", "a", "a"],
                       ["b", "b", "a", "c"], ["a"]]
        var matchedDocuments = 0
        var longDocuments = 0
        for deleting in [false, true] {
            for phrase in phrases {
                var opened = try phrase.map { try cursor(fixture, $0, deleting: deleting) }
                for index in opened.indices { _ = try opened[index].nextDoc() }
                let join = PhraseJoinMemory(rarestFirst: opened, startsCapacity: 1)
                var target: UInt32 = 0
                while true {
                    let found = try PostingsCursor.nextCommonDoc(join.cursors, order: join.order, count: join.count, atOrAfter: target)
                    let expected = fixture.words.indices.first { doc in
                        doc >= Int(target) && !(deleting && fixture.deletions.contains(UInt32(doc)))
                            && phrase.allSatisfy(fixture.words[doc].contains)
                    }
                    guard let expected else {
                        XCTAssertEqual(found, PostingsCursor.noMoreDocs, "\(phrase) after \(target)")
                        break
                    }
                    XCTAssertEqual(found, UInt32(expected), "\(phrase) from \(target), deleting \(deleting)")
                    guard found == UInt32(expected) else { break }
                    // Some documents are passed over without their positions (the join skips their values).
                    if Int.random(in: 0..<4, using: &generator) > 0 {
                        let words = fixture.words[expected]
                        let frequency = try PostingsCursor.exactPhraseFrequency(join.cursors, count: join.count,
                                                                                starts: &join.starts, capacity: &join.capacity)
                        XCTAssertEqual(frequency, modelPhraseFrequency(words, phrase), "\(phrase) in doc \(expected)")
                        if frequency > 0 { matchedDocuments += 1 }
                        if words.count > 128 { longDocuments += 1 }
                    }
                    target = found + (Int.random(in: 0..<6, using: &generator) == 0 ? UInt32.random(in: 2...40, using: &generator) : 1)
                }
            }
        }
        XCTAssertGreaterThan(matchedDocuments, 500)
        XCTAssertGreaterThan(longDocuments, 100)
    }

    /// `nextExactPhrase` (intersection and join in one loop) visits exactly the live documents holding the
    /// phrase, with their frequencies, from targets that sometimes jump ahead.
    func testNextExactPhraseVisitsEveryMatch() throws {
        let fixture = try makeFixture(seed: 0x7e57, documentCount: 700)
        var generator = SeededGenerator(seed: 78)
        var visited = 0
        for deleting in [false, true] {
            for phrase in [["a", "b"], ["c", "c"], ["a", "b", "a"], ["b", "c", "a", "a"]] {
                var opened = try phrase.map { try cursor(fixture, $0, deleting: deleting) }
                for index in opened.indices { _ = try opened[index].nextDoc() }
                let join = PhraseJoinMemory(opened, order: Array(opened.indices.reversed()), startsCapacity: 2, stamped: deleting)
                var target: UInt32 = 0
                while true {
                    let found = try join.nextExactPhrase(atOrAfter: target)
                    let expected = fixture.words.indices.first { doc in
                        doc >= Int(target) && !(deleting && fixture.deletions.contains(UInt32(doc)))
                            && modelPhraseFrequency(fixture.words[doc], phrase) > 0
                    }
                    guard let expected else {
                        XCTAssertEqual(found.doc, PostingsCursor.noMoreDocs, "\(phrase) after \(target)")
                        XCTAssertEqual(found.frequency, 0)
                        break
                    }
                    XCTAssertEqual(found.doc, UInt32(expected), "\(phrase) from \(target), deleting \(deleting)")
                    XCTAssertEqual(found.frequency, modelPhraseFrequency(fixture.words[expected], phrase), "\(phrase) in doc \(expected)")
                    guard found.doc == UInt32(expected) else { break }
                    visited += 1
                    target = found.doc + (Int.random(in: 0..<5, using: &generator) == 0 ? UInt32.random(in: 2...30, using: &generator) : 1)
                }
            }
        }
        XCTAssertGreaterThan(visited, 300)
    }

    /// A position past 2^32 − 1 in a key's values throws `corrupt` from every join path (two keys, three,
    /// more) rather than wrapping into a false match: doc 0 holds "a" at 0 and 2^32 − 1 and "b" at 1 and
    /// 2^32 − 2, then "b"'s first value is patched from 1 to 127 (positions checksum recomputed), so its second
    /// position sums to 2^32 + 124, which the join reaches while looking for "b" after "a" at 2^32 − 1.
    func testPositionOverflowIsReported() throws {
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        let occurrences = [("a", 0), ("b", 1), ("b", UInt32.max - 1), ("a", UInt32.max)].map {
            TermOccurrence(field: body, term: Array($0.0.utf8), position: $0.1)
        }
        try builder.add(DocumentPostings(stored: [], fieldLengths: [4], occurrences: occurrences))
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(builder))
        let base = try XCTUnwrap(reader.bytes.base)
        var bytes = Array(UnsafeRawBufferPointer(start: base, count: reader.bytes.count))
        let positions = reader.layout.range(.positions)
        var infoB = try XCTUnwrap(try reader.termInfo(field: 0, term: Array("b".utf8)))
        let start = positions.lowerBound + Int(infoB.positionsOffset)
        let termPositions = start..<(start + Int(infoB.positionsLength))
        XCTAssertEqual(bytes[start], 1, "b's first value (its first position) is a one-byte varint")
        bytes[start] = 127
        infoB.positionsChecksum = CRC32.checksum(Array(bytes[termPositions]))
        let infoA = try XCTUnwrap(try reader.termInfo(field: 0, term: Array("a".utf8)))
        let file = FileBytes(name: "overflowing", copying: bytes)
        let checksums = RangeChecksums(file)
        func cursors(_ phrase: [String]) throws -> [PostingsCursor] {
            try phrase.map { word -> PostingsCursor in
                var cursor = try PostingsCursor(file, postings: reader.layout.range(.postings), positions: positions,
                                                documentCount: reader.layout.documentCount, info: word == "a" ? infoA : infoB,
                                                checksums: checksums)
                XCTAssertEqual(try cursor.nextDoc(), 0)
                return cursor
            }
        }
        for phrase in [["a", "b"], ["a", "b", "a"], ["a", "b", "a", "b"]] {
            for (viaNextMatch, stamped) in [(false, false), (true, false), (true, true)] {
                let join = PhraseJoinMemory(try cursors(phrase), order: Array(phrase.indices), startsCapacity: 1, stamped: stamped)
                XCTAssertThrowsError(try viaNextMatch
                    ? join.nextExactPhrase(atOrAfter: 0).frequency
                    : PostingsCursor.exactPhraseFrequency(join.cursors, count: join.count, starts: &join.starts,
                                                          capacity: &join.capacity),
                    "\(phrase), via nextExactPhrase: \(viaNextMatch), stamped: \(stamped)") { error in
                    guard case let StorageError.corrupt(name, _, reason) = error else { return XCTFail("\(phrase): \(error)") }
                    XCTAssertEqual(name, "overflowing")
                    XCTAssertTrue(reason.contains("overflows 32 bits"), reason)
                }
            }
        }
    }
}
