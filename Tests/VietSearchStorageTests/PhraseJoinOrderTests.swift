import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The two- and three-key joins (`PostingsCursor.nextExactPair`, the three-key join written out in
/// `nextExactTriple`, and `triples` behind `exactPhraseFrequency`) on hand-made documents aimed at their edge
/// cases, against the model, for every lead/filter/last order, from a one-value `starts` (grown on the
/// first candidate): lead positions before the phrase could start, a last key far more frequent than the
/// pair, overlapping repeated keys, pairs without the last key, matches at both ends of a document.
final class PhraseJoinOrderTests: XCTestCase {
    /// Documents of the words "a", "b", "c" and the filler "x".
    private static let documents: [[String]] = [
        // The lead "c" (key 2) occurs at 0 and 1, where the phrase would start before position 0.
        "c c a b c x".split(separator: " ").map(String.init),
        // The last key's tf is far above the pair's.
        ["a", "b"] + Array(repeating: "c", count: 300),
        // Many starts kept by the pair and by the last key.
        Array(Array(repeating: ["a", "b", "c"], count: 40).joined()),
        // The pair holds but the last key is only at the wrong distance.
        "a b x c c a b x x c".split(separator: " ").map(String.init),
        // No pair at all, the last key first.
        "c x b a x x b".split(separator: " ").map(String.init),
        // Long runs of one word: repeated keys overlap ("c c" 299 times in document 1, "a a" here).
        Array(repeating: "a", count: 200) + ["b", "c"] + Array(repeating: "b", count: 150),
        // Matches at the very start and the very end.
        "a b c x x x x a b c".split(separator: " ").map(String.init),
    ]

    private func join(_ phrase: [String], order: [Int], reader: SegmentReader, stamped: Bool = false) throws -> PhraseJoinMemory {
        var opened = try phrase.map { try bodyWordCursor(reader, $0, deletions: nil) }
        for index in opened.indices { _ = try opened[index].nextDoc() }
        return PhraseJoinMemory(opened, order: order, startsCapacity: 1, stamped: stamped)
    }

    private func permutations(_ count: Int) -> [[Int]] {
        count == 2 ? [[0, 1], [1, 0]] : [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
    }

    func testNextExactPhraseMatchesModelInEveryOrder() throws {
        let reader = try bodyWordsSegment(Self.documents)
        let phrases = [["a", "b", "c"], ["c", "b", "a"], ["b", "c", "c"], ["a", "a", "b"], ["c", "c", "c"],
                       ["a", "b"], ["c", "c"], ["b", "a"], ["x", "c"]]
        var matches = 0
        for phrase in phrases {
            for order in permutations(phrase.count) {
              for stamped in [false, true] {
                let memory = try join(phrase, order: order, reader: reader, stamped: stamped)
                let found = try memory.allMatches()
                XCTAssertEqual(found, modelPhraseMatches(Self.documents, phrase), "\(phrase), order \(order), stamped \(stamped)")
                matches += found.count
              }
            }
        }
        XCTAssertGreaterThan(matches, 120)
    }

    /// `exactPhraseFrequency` (the scorer's two-phase confirmation: keys ordered by tf per document) on every
    /// document holding all the keys, including those without the phrase.
    func testExactPhraseFrequencyOnEveryCandidate() throws {
        let reader = try bodyWordsSegment(Self.documents)
        var candidates = 0
        for phrase in [["a", "b", "c"], ["c", "a", "b"], ["c", "c", "a"], ["b", "c"], ["c", "a"]] {
            let memory = try join(phrase, order: Array(phrase.indices), reader: reader)
            var target: UInt32 = 0
            while true {
                let doc = try PostingsCursor.nextCommonDoc(memory.cursors, order: memory.order, count: memory.count, atOrAfter: target)
                guard doc != PostingsCursor.noMoreDocs else { break }
                let frequency = try PostingsCursor.exactPhraseFrequency(memory.cursors, count: memory.count,
                                                                        starts: &memory.starts, capacity: &memory.capacity)
                XCTAssertEqual(frequency, modelPhraseFrequency(Self.documents[Int(doc)], phrase), "\(phrase) in doc \(doc)")
                candidates += 1
                target = doc + 1
            }
        }
        XCTAssertGreaterThan(candidates, 20)
    }
}
