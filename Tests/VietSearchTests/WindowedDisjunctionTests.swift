import XCTest
@testable import VietSearch
import VietSearchQuery
import VietSearchTestSupport

/// `TermDisjunction`'s windowed MaxScore loop (from `TermDisjunction.windowedLimit` hits up) and the
/// document-at-a-time loop below it, against exhaustive scoring on random corpora: same hits in the same
/// order, bit-identical scores, same counts, for k from 1 to 200. The corpora are large enough for
/// several 1,024-document windows and many 128-document blocks per list, with word frequencies spread
/// (Zipf-like) so that lists differ in bounds and some go non-essential in some windows only.
final class WindowedDisjunctionTests: FacadeTestCase {
    private static let words = ZipfWordCorpus.words
    private static let corpus = ZipfWordCorpus(bodyLengthSpread: 120, fillerOneIn: 3)

    private func engine(documents: Int, seed: UInt64, segmented: Bool) throws -> QueryEngine {
        try engine(over: Self.corpus, documents: documents, seed: seed, segmented: segmented,
                   deletingFrom: 5, deletingEvery: 13)
    }

    private func randomQueries(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let terms = (0..<(2 + generator.next(below: 4))).map { _ in Self.words[generator.next(below: Self.words.count)] }
            switch generator.next(below: 4) {
            case 0: return "title:\(terms[0]) OR " + terms.dropFirst().joined(separator: " OR ")
            case 1 where terms.count > 2:
                return "(\(terms[0]) OR \(terms[1])) OR " + terms.dropFirst(2).joined(separator: " OR ")
            default: return terms.joined(separator: " OR ")
            }
        }
    }

    func testWindowedLoopEqualsExhaustiveScoringInOneSegment() throws {
        let engine = try engine(documents: 4_000, seed: 0x5eed_0001, segmented: false)
        XCTAssertEqual(engine.segments.count, 1)
        var compared = 0
        for query in randomQueries(count: 24, seed: 11) {
            for limit in [1, 10, 49, 50, 64, 100, 137, 200] {
                for threshold in [0, 1_000, Int.max] {
                    compared += try assertPrunedMatchesExhaustive(engine, query, limit: limit, threshold: threshold).compared
                }
            }
        }
        XCTAssertGreaterThan(compared, 10_000)
    }

    func testWindowedLoopEqualsExhaustiveScoringOverSegmentsWithDeletions() throws {
        let engine = try engine(documents: 3_000, seed: 0x5eed_0002, segmented: true)
        XCTAssertGreaterThan(engine.segments.count, 1, "θ must carry from one segment to the next")
        var compared = 0
        for query in randomQueries(count: 16, seed: 12) {
            for limit in [1, 7, 50, 100, 200] {
                for threshold in [10, Int.max] {
                    compared += try assertPrunedMatchesExhaustive(engine, query, limit: limit, threshold: threshold).compared
                }
            }
        }
        XCTAssertGreaterThan(compared, 5_000)
    }
}
