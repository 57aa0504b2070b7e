import CBitUnpack
import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The two-key leapfrog's candidates listed a block pair at a time (`PostingsCursor+CandidateBatch.swift`):
/// the SIMD intersection kernel against sets, and the batched leapfrog against the plain one on the same lists,
/// with the goal jumps and outside moves of the cursors that the phrase joins and the pruning phase make.
final class PhraseCandidateBatchTests: XCTestCase {
    /// A block of ascending ids as a cursor holds it: 128 + `scanPadding` slots, `UInt32.max` past `length`.
    private static func block(_ ids: [UInt32]) -> [UInt32] {
        ids + [UInt32](repeating: UInt32.max, count: PostingsWriter.blockSize + PostingsCursor.scanPadding - ids.count)
    }

    /// `length` ascending ids from `base`, each next one 1…`maxGap` above the previous.
    private static func ascending(_ length: Int, from base: UInt32, maxGap: Int, _ generator: inout SeededGenerator) -> [UInt32] {
        var ids: [UInt32] = []
        var id = base
        for _ in 0..<length {
            ids.append(id)
            id += UInt32(1 + generator.next(below: maxGap))
        }
        return ids
    }

    /// Every common id of the two blocks' tails, as slot pairs in ascending order, for dense and sparse blocks
    /// of every length, any start slots, and ids just below `UInt32.max` (the padding value, never an id).
    func testIntersectSlotsAgainstSets() {
        var generator = SeededGenerator(seed: 0xba7c)
        var matched = 0
        for trial in 0..<6_000 {
            let base: UInt32 = trial % 5 == 4 ? UInt32.max - 3_000 : UInt32(generator.next(below: 50))
            let a = Self.ascending(generator.next(below: 129), from: base, maxGap: 1 + generator.next(below: 8), &generator)
            let b = Self.ascending(generator.next(below: 129), from: base + UInt32(generator.next(below: 6)),
                                   maxGap: 1 + generator.next(below: 8), &generator)
            let ia = a.isEmpty ? 0 : generator.next(below: a.count + 1), ib = b.isEmpty ? 0 : generator.next(below: b.count + 1)
            let blockA = Self.block(a), blockB = Self.block(b)
            var slotsA = [UInt8](repeating: 0, count: PostingsWriter.blockSize + 4)
            var slotsB = slotsA
            let count = vs_intersect_slots(blockA, ia, a.count, blockB, ib, b.count, &slotsA, &slotsB)
            let positionsInB = Dictionary(uniqueKeysWithValues: b[ib...].enumerated().map { ($1, $0 + ib) })
            let expected = a[ia...].enumerated().compactMap { offset, id in positionsInB[id].map { (offset + ia, $0) } }
            XCTAssertEqual(count, expected.count, "trial \(trial)")
            guard count == expected.count else { continue }
            for (index, pair) in expected.enumerated() {
                XCTAssertEqual(Int(slotsA[index]), pair.0, "trial \(trial), match \(index)")
                XCTAssertEqual(Int(slotsB[index]), pair.1, "trial \(trial), match \(index)")
            }
            matched += count
        }
        XCTAssertGreaterThan(matched, 15_000)
    }

    /// Two words in 20–95% of 4,000 documents each (densities changing along the list, so the batch is
    /// made, declined and used up at every kind of block edge), some documents deleted.
    private func makeReader(seed: UInt64) throws -> (reader: SegmentReader, deletions: DeletedDocs) {
        var generator = SeededGenerator(seed: seed)
        let documentCount = 4_000
        var documents: [[String]] = []
        for doc in 0..<documentCount {
            let stretch = doc / 500
            var words = ["x"]
            if generator.next(below: 100) < [95, 60, 20, 80, 40, 90, 30, 70][stretch] { words.append("a") }
            if generator.next(below: 100) < [90, 70, 85, 20, 45, 95, 60, 30][stretch] { words.append("b") }
            documents.append(words)
        }
        let deletions = everyNthDeleted(of: documentCount, modulus: 13, remainder: 5)
        return (try bodyWordsSegment(documents), deletions)
    }

    /// The batched leapfrog returns what the plain one returns and leaves the cursors on the same documents, for
    /// targets one past each answer, jumps ahead, and cursors moved ahead from outside between calls.
    func testBatchedLeapfrogIsThePlainOne() throws {
        let fixture = try makeReader(seed: 0xc0de)
        for deleting in [false, true] {
            for (leadWord, otherWord) in [("a", "b"), ("b", "a")] {
                var generator = SeededGenerator(seed: deleting ? 11 : 12)
                let deletions = deleting ? fixture.deletions : nil
                let cursors = UnsafeMutablePointer<PostingsCursor>.allocate(capacity: 4)
                defer { cursors.deinitialize(count: 4); cursors.deallocate() }
                for (index, word) in [leadWord, otherWord, leadWord, otherWord].enumerated() {
                    (cursors + index).initialize(to: try bodyWordCursor(fixture.reader, word, deletions: deletions))
                    _ = try cursors[index].nextDoc()
                }
                let map = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingsCursor.phraseStampBytes)
                map.initialize(repeating: 0, count: PostingsCursor.phraseStampBytes)
                defer { map.deallocate() }
                let batch = UnsafeMutableRawPointer(map) + PostingsCursor.candidateBatchOffset
                var target: UInt32 = 0
                var answers = 0, fromBatch = 0
                while true {
                    let batched = try PostingsCursor.nextCommonDoc(cursors, cursors + 1, atOrAfter: target, batch: batch)
                    let plain = try PostingsCursor.nextCommonDoc(cursors + 2, cursors + 3, atOrAfter: target, batch: nil)
                    XCTAssertEqual(batched, plain, "target \(target), deleting \(deleting), lead \(leadWord)")
                    guard batched == plain, plain != PostingsCursor.noMoreDocs else { break }
                    XCTAssertEqual(cursors[0].doc, plain)
                    XCTAssertEqual(cursors[1].doc, plain)
                    answers += 1
                    if batch.load(fromByteOffset: PostingsCursor.CandidateBatchLayout.valid, as: Int32.self) == 1 { fromBatch += 1 }
                    switch generator.next(below: 20) {
                    case 0: target = plain + 1 + UInt32(generator.next(below: 100))
                    case 1:
                        // The pruning phase or the lazy join moving one cursor ahead, the same on both sides.
                        let goal = plain + 1 + UInt32(generator.next(below: 40))
                        let which = generator.next(below: 2)
                        _ = try cursors[which].storedDoc(atLeast: goal)
                        _ = try cursors[which + 2].storedDoc(atLeast: goal)
                        target = plain + 1
                    default: target = plain + 1
                    }
                }
                XCTAssertGreaterThan(answers, 400, "deleting \(deleting), lead \(leadWord)")
                // Most answers come from a listing (else this test would not check it).
                XCTAssertGreaterThan(fromBatch * 2, answers, "deleting \(deleting), lead \(leadWord)")
            }
        }
    }

    /// The three-key join without a lazy last key takes its first two keys' candidates from the batched
    /// leapfrog and moves the last key to each: every match against the model, for phrases whose last key
    /// (the most frequent) is missing from some candidates and sits on a matching document past them.
    func testThreeKeyJoinWithBatchedCandidates() throws {
        var generator = SeededGenerator(seed: 0x7e1)
        var documents: [[String]] = []
        for _ in 0..<3_000 {
            var words: [String] = []
            // Each key in 65–83% of the documents, so that none is a lazy last key (7/8).
            for _ in 0..<generator.next(below: 4) { words.append("y") }
            if generator.next(below: 10) < 3 { words += ["c", "a", "b", "y"] }
            if generator.next(below: 10) < 3 { words += ["a", "c", "b", "y"] }
            if generator.next(below: 10) < 5 { words += ["b", "x", "a", "y"] }
            // And each word alone in some documents: candidates without the last key, which lands past them.
            for word in ["a", "b", "c", "x"] where generator.next(below: 10) < 3 { words += [word, "y"] }
            documents.append(words)
        }
        let reader = try bodyWordsSegment(documents)
        for phrase in [["c", "a", "b"], ["a", "c", "b"], ["b", "x", "a"]] {
            let expected = modelPhraseMatches(documents, phrase)
            XCTAssertGreaterThan(expected.count, 500, "\(phrase)")
            var opened = try phrase.map { try bodyWordCursor(reader, $0, deletions: nil) }
            for index in opened.indices { _ = try opened[index].nextDoc() }
            let memory = PhraseJoinMemory(rarestFirst: opened, startsCapacity: 1, stamped: true)
            let last = memory.cursors[memory.order[2]]
            XCTAssertFalse(PostingsCursor.isLazyLast(documentFrequency: last.documentFrequency, of: last.documentCount))
            XCTAssertEqual(try memory.allMatches(), expected, "\(phrase)")
        }
    }
}
