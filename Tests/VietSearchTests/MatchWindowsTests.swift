import XCTest
@testable import VietSearch
import VietSearchQuery
import VietSearchTestSupport

/// `KeyConjunction`'s loop over the bitset's matches a window at a time (`MatchWindows`, from
/// `KeyConjunction.windowedLimit` hits up: essential leaves walked or advanced per match into a score buffer,
/// non-essential ones looked up while a match can still beat θ) and the candidate loop below it, against
/// exhaustive scoring on random corpora: same hits in the same order, bit-identical scores, same counts, for k
/// from 1 to 200, in one segment and over several with deletions. The bodies are long and the words Zipf-like,
/// so most pairs of words are counted on bitsets with lists of many 128-document blocks and several 1,024-document
/// windows, and the titles are short lists with high bounds that hold few of the matches (so at top-100 some
/// body lists go non-essential while others stay essential).
final class MatchWindowsTests: FacadeTestCase {
    private static let words = ZipfWordCorpus.words
    private static let corpus = ZipfWordCorpus(bodyLengthSpread: 160, fillerOneIn: 2)

    private func engine(documents: Int, seed: UInt64, segmented: Bool) throws -> QueryEngine {
        try engine(over: Self.corpus, documents: documents, seed: seed, segmented: segmented,
                   deletingFrom: 4, deletingEvery: 11)
    }

    /// Two or three words under AND, some with a `title:` clause or an OR group (still key groups alone).
    private func randomQueries(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let terms = (0..<(2 + generator.next(below: 2))).map { _ in Self.words[generator.next(below: Self.words.count)] }
            switch generator.next(below: 5) {
            case 0: return "title:\(terms[0]) AND " + terms.dropFirst().joined(separator: " AND ")
            case 1 where terms.count > 2: return "(\(terms[0]) OR \(terms[1])) AND \(terms[2])"
            default: return terms.joined(separator: " AND ")
            }
        }
    }

    func testWindowedMatchesEqualExhaustiveScoringInOneSegment() throws {
        let engine = try engine(documents: 4_000, seed: 0x5eed_a001, segmented: false)
        XCTAssertEqual(engine.segments.count, 1)
        var compared = 0
        for query in randomQueries(count: 24, seed: 21) {
            for limit in [1, 2, 10, 37, 100, 137, 200] {
                for threshold in [10, 1_000, Int.max] {
                    compared += try assertPrunedMatchesExhaustive(engine, query, limit: limit, threshold: threshold).compared
                }
            }
        }
        XCTAssertGreaterThan(compared, 10_000)
    }

    func testWindowedMatchesEqualExhaustiveScoringOverSegmentsWithDeletions() throws {
        let engine = try engine(documents: 3_000, seed: 0x5eed_a002, segmented: true)
        XCTAssertGreaterThan(engine.segments.count, 1, "θ must carry from one segment to the next")
        var compared = 0
        for query in randomQueries(count: 16, seed: 22) {
            for limit in [1, 7, 50, 100, 200] {
                for threshold in [10, Int.max] {
                    compared += try assertPrunedMatchesExhaustive(engine, query, limit: limit, threshold: threshold).compared
                }
            }
        }
        XCTAssertGreaterThan(compared, 5_000)
    }
}
