import XCTest
@testable import VietSearch

/// The quality goals of README "Measured quality" on the small judged set in Fixtures/relevance
/// (the full comparison with SQLite FTS5 and Tantivy is Benchmarks/relevance/eval.py).
final class RelevanceEvaluationTests: FacadeTestCase {
    func testVietnameseScoringMeetsTheQualityGoals() throws {
        let set = try RelevanceSet(directory: RelevanceSet.fixtureDirectory)
        XCTAssertGreaterThan(set.queries.count, 100)
        let index = Index.inMemory()
        try self.index(set.documents, into: index)
        let searcher = try index.searcher()
        var bm25 = SearchOptions(limit: 10)
        bm25.scoring = .bm25
        bm25.suggest = false
        var vietnamese = SearchOptions(limit: 10)
        vietnamese.suggest = false
        let plain = try set.evaluate { try searcher.search($0, options: bm25).map(\.id) }
        let tuned = try set.evaluate { try searcher.search($0, options: vietnamese).map(\.id) }
        func mrr(_ scores: [String: RelevanceSet.Scores], _ queryClass: String) -> Double {
            scores[queryClass]?.mrr ?? 0
        }
        // Unaccented queries reach 95% of the accented queries' MRR.
        XCTAssertGreaterThanOrEqual(mrr(tuned, "unaccented"), 0.95 * mrr(tuned, "accented"))
        // Every class is at least as good as plain BM25, and the hard ones clearly better.
        for queryClass in ["accented", "unaccented", "other_tone_style", "nfd", "upper", "mixed_marks", "phrase"] {
            XCTAssertGreaterThanOrEqual(mrr(tuned, queryClass), mrr(plain, queryClass), queryClass)
        }
        XCTAssertGreaterThan(mrr(tuned, "unaccented"), mrr(plain, "unaccented") + 0.03)
        XCTAssertGreaterThan(mrr(tuned, "mixed_marks"), mrr(plain, "mixed_marks") + 0.1)
        XCTAssertGreaterThan(mrr(tuned, "phrase"), mrr(plain, "phrase") + 0.2)
        // Tone style, NFD and case do not change anything.
        for queryClass in ["other_tone_style", "nfd", "upper"] {
            XCTAssertEqual(mrr(tuned, queryClass), mrr(tuned, "accented"), accuracy: 1e-12, queryClass)
        }
    }
}
