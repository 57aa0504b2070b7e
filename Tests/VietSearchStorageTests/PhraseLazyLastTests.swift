import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The three-key join with a lazy last key (`nextExactTripleLazyLast`, which `nextExactPhrase` picks when the last
/// key is in ≥ 7/8 of the documents: it leapfrogs the lead and filter only and moves the last key to a candidate
/// only when their pair keeps a start) against the model. The documents are built so that the last key's cursor
/// is left behind for long stretches: "a" and "b" are in every document but adjacent ("a b") only in a few,
/// "c" is in nearly all documents with a varying tf, and "x" in all. Between two kept pairs the last key skips
/// several 128-document blocks and must then read the right positions of the document it lands on. Pairs fall
/// on documents without "c", with "c" at the wrong distance, on both sides of "c"'s block edges, and after
/// "c"'s list has ended.
final class PhraseLazyLastTests: XCTestCase {
    private static let documentCount = 3_000
    /// "c" occurs in no document from here on, while pairs still do.
    private static let lastEnds = 2_950

    private static func makeDocuments(seed: UInt64) -> [[String]] {
        var generator = SeededGenerator(seed: seed)
        var documents: [[String]] = []
        for doc in 0..<documentCount {
            // In 15 documents of 16 before `lastEnds`: over 7/8 of all, so "c" as the last key is lazy.
            let holdsC = doc < lastEnds && doc % 16 != 15
            // "c"'s index in its own list (for a document without it, that of the next one holding it): pairs
            // on both sides of each of its 128-document block edges, in about one document in 60, and at the end.
            let indexInC = (doc / 16) * 15 + doc % 16
            let onEdge = indexInC % 128 == 127 || indexInC % 128 == 0
            // None in a quiet stretch of 800 documents (several of "c"'s blocks, which the last key skips at once).
            let quiet = doc >= 800 && doc < 1_600
            let paired = !quiet && (generator.next(below: 60) == 0 || onEdge || doc >= documentCount - 3)
            var words: [String] = []
            // Filler before, so that the pair starts at varying positions (no "a": "a b" only where placed).
            for _ in 0..<generator.next(below: 6) { words.append(["b", "x"][generator.next(below: 2)]) }
            if paired {
                words += ["a", "b"]
                // The phrase "a b c" holds in about half the paired documents that hold "c".
                if holdsC && generator.next(below: 2) == 0 {
                    words.append("c")
                } else {
                    words.append("x")
                }
            } else {
                // Both words, never adjacent in this order.
                words += ["b", "x", "a"]
            }
            if holdsC {
                // More "c" (tf 1 to 6 in all), so that value starts differ from document to document.
                for _ in 0..<generator.next(below: 6) { words += ["x", "c"] }
                if !words.contains("c") { words.append("c") }
            }
            words.append("x")
            documents.append(words)
        }
        return documents
    }

    private func memory(_ reader: SegmentReader, _ phrase: [String], order: [Int], stamped: Bool) throws -> PhraseJoinMemory {
        var opened = try phrase.map { try bodyWordCursor(reader, $0, deletions: nil) }
        for index in opened.indices { _ = try opened[index].nextDoc() }
        return PhraseJoinMemory(opened, order: order, startsCapacity: 1, stamped: stamped)
    }

    private static let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]

    /// Every match from doc 0 to the end, for every key order (so each word is the lazy last key once).
    func testAllMatchesInEveryOrder() throws {
        let documents = Self.makeDocuments(seed: 0x1a2)
        let reader = try bodyWordsSegment(documents)
        for phrase in [["a", "b", "c"], ["x", "a", "b"], ["b", "c", "x"], ["c", "x", "c"]] {
            let expected = modelPhraseMatches(documents, phrase)
            XCTAssertGreaterThan(expected.count, 15, "\(phrase)")
            for order in Self.orders {
                for stamped in [false, true] {
                    let join = try memory(reader, phrase, order: order, stamped: stamped)
                    XCTAssertEqual(try join.allMatches(), expected, "\(phrase), order \(order), stamped \(stamped)")
                }
            }
        }
    }

    /// The fixture's own claims: "c" is lazy, spans several blocks, ends before the last pairs, and pairs without "c"
    /// and with "c" at the wrong distance exist (else the test above would not reach those paths).
    func testFixtureReachesTheLazyPaths() throws {
        let documents = Self.makeDocuments(seed: 0x1a2)
        let reader = try bodyWordsSegment(documents)
        let c = try bodyWordCursor(reader, "c", deletions: nil)
        XCTAssertGreaterThanOrEqual(c.blockCount, 10)
        XCTAssertTrue(PostingsCursor.isLazyLast(documentFrequency: c.documentFrequency, of: c.documentCount))
        // The rule itself: lazy from 7/8 of the documents on.
        XCTAssertTrue(PostingsCursor.isLazyLast(documentFrequency: 875, of: 1_000))
        XCTAssertFalse(PostingsCursor.isLazyLast(documentFrequency: 874, of: 1_000))
        let pairs = modelPhraseMatches(documents, ["a", "b"]).keys
        let triples = modelPhraseMatches(documents, ["a", "b", "c"]).keys
        XCTAssertTrue(pairs.contains { !documents[$0].contains("c") && $0 < Self.lastEnds })
        XCTAssertTrue(pairs.contains { documents[$0].contains("c") && !triples.contains($0) })
        XCTAssertTrue(pairs.contains { $0 >= Self.lastEnds })
        // Pairs far apart (the quiet stretch): the last key is moved over several of its blocks between two.
        let sorted = pairs.sorted()
        XCTAssertTrue(zip(sorted, sorted.dropFirst()).contains { $1 - $0 > 700 })
    }

    /// The loop a scorer chooses once (`exactPhraseJoin`, then `nextExactPhrase(…join:…)` on every match) is the
    /// one `nextExactPhrase` picked per call: the lazy three-key loop exactly when the order's last key is lazy,
    /// and with it every match is found as the model finds it.
    func testJoinChosenOnceIsThePerCallChoice() throws {
        let documents = Self.makeDocuments(seed: 0x1a2)
        let reader = try bodyWordsSegment(documents)
        var lazyOrders = 0
        for phrase in [["a", "b", "c"], ["x", "a", "b"]] {
            let expected = modelPhraseMatches(documents, phrase)
            for order in Self.orders {
                let join = try memory(reader, phrase, order: order, stamped: true)
                let last = join.cursors[join.order[2]]
                let lazy = PostingsCursor.isLazyLast(documentFrequency: last.documentFrequency, of: last.documentCount)
                let chosen = PostingsCursor.exactPhraseJoin(join.cursors, order: join.order, count: join.count)
                XCTAssertEqual(chosen, lazy ? .tripleLazyLast : .triple, "\(phrase), order \(order)")
                if lazy { lazyOrders += 1 }
                var found: [Int: Int] = [:]
                var target: UInt32 = 0
                while true {
                    let match = try PostingsCursor.nextExactPhrase(join.cursors, order: join.order, count: join.count, join: chosen,
                                                                   atOrAfter: target, starts: &join.starts,
                                                                   capacity: &join.capacity, stamps: join.stamps)
                    guard match.doc != PostingsCursor.noMoreDocs else { break }
                    found[Int(match.doc)] = match.frequency
                    target = match.doc + 1
                }
                XCTAssertEqual(found, expected, "\(phrase), order \(order)")
            }
        }
        XCTAssertGreaterThan(lazyOrders, 0, "some order has a lazy last key")
        // A last key in half the documents: not lazy.
        let halves = (0..<400).map { $0 % 2 == 0 ? ["a", "b", "c", "x"] : ["a", "b", "x"] }
        let halfReader = try bodyWordsSegment(halves)
        var opened = try ["a", "b", "c"].map { try bodyWordCursor(halfReader, $0, deletions: nil) }
        for index in opened.indices { _ = try opened[index].nextDoc() }
        let eager = PhraseJoinMemory(opened, order: [0, 1, 2], startsCapacity: 1, stamped: true)
        XCTAssertEqual(PostingsCursor.exactPhraseJoin(eager.cursors, order: eager.order, count: 3), .triple)
        let two = try memory(reader, ["a", "b"], order: [0, 1], stamped: true)
        XCTAssertEqual(PostingsCursor.exactPhraseJoin(two.cursors, order: two.order, count: 2), .pair)
        let four = try memory(reader, ["a", "b", "c", "x"], order: [0, 1, 2, 3], stamped: true)
        XCTAssertEqual(PostingsCursor.exactPhraseJoin(four.cursors, order: four.order, count: 4), .general)
    }

    /// Random jumps between searches, and the scorer's pruning path in between (the leapfrog of all keys, then
    /// `exactPhraseFrequency` on the candidate): after the lazy walk left the last key behind, both must find
    /// the right document and read the right positions of every key.
    func testJumpsAndPruningStepsAfterLazyWalks() throws {
        let documents = Self.makeDocuments(seed: 0x77)
        let reader = try bodyWordsSegment(documents)
        var generator = SeededGenerator(seed: 5)
        var visited = 0, confirmed = 0
        for phrase in [["a", "b", "c"], ["x", "a", "b"], ["b", "c", "x"]] {
            for order in Self.orders {
                let join = try memory(reader, phrase, order: order, stamped: visited % 2 == 0)
                var target: UInt32 = 0
                while true {
                    if generator.next(below: 4) == 0 {
                        let candidate = try PostingsCursor.nextCommonDoc(join.cursors, order: join.order, count: join.count, atOrAfter: target)
                        let expected = documents.indices.first { $0 >= Int(target) && phrase.allSatisfy(documents[$0].contains) }
                        XCTAssertEqual(candidate, expected.map { UInt32($0) } ?? PostingsCursor.noMoreDocs, "\(phrase) candidate from \(target)")
                        guard candidate != PostingsCursor.noMoreDocs else { break }
                        let frequency = try PostingsCursor.exactPhraseFrequency(join.cursors, count: join.count, starts: &join.starts,
                                                                                capacity: &join.capacity, stamps: join.stamps)
                        XCTAssertEqual(frequency, modelPhraseFrequency(documents[Int(candidate)], phrase), "\(phrase) in doc \(candidate)")
                        confirmed += 1
                        target = candidate + 1
                    }
                    let found = try join.nextExactPhrase(atOrAfter: target)
                    let expected = documents.indices.first { $0 >= Int(target) && modelPhraseFrequency(documents[$0], phrase) > 0 }
                    guard let expected else {
                        XCTAssertEqual(found.doc, PostingsCursor.noMoreDocs, "\(phrase) after \(target)")
                        break
                    }
                    XCTAssertEqual(found.doc, UInt32(expected), "\(phrase) from \(target), order \(order)")
                    XCTAssertEqual(found.frequency, modelPhraseFrequency(documents[expected], phrase), "\(phrase) in doc \(expected)")
                    guard found.doc == UInt32(expected) else { break }
                    visited += 1
                    let roll = generator.next(below: 8)
                    target = found.doc + (roll == 0 ? 150 + UInt32(generator.next(below: 500)) : 1)
                }
            }
        }
        XCTAssertGreaterThan(visited, 200)
        XCTAssertGreaterThan(confirmed, 40)
    }
}
