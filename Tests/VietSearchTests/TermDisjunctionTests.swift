import XCTest
@testable import VietSearch
import VietSearchQuery

/// `TermDisjunction` (disjunctions of keys alone: every `.bm25` OR of terms) against exhaustive scoring, on
/// a corpus shaped like news: each word in few titles and many bodies, so the title lists seed θ
/// (`initialThreshold`) and the body lists go non-essential. Same hits, bit-identical scores, same counts.
final class TermDisjunctionTests: FacadeTestCase {
    private static let words = ["đảng", "viên", "xây", "dựng", "công", "tác", "giáo", "dục", "người", "dân"]

    private func corpus(documents: Int) -> [Document] {
        var state: UInt64 = 0x9e37_79b9
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<documents).map { number in
            // A title word from the list one time in six, else filler; bodies of 20–200 words, mostly listed.
            let title = (0..<(2 + next(5))).map { _ in next(6) == 0 ? Self.words[next(Self.words.count)] : "tin\(next(50))" }
            let body = (0..<(20 + next(180))).map { _ in next(4) == 0 ? "chữ\(next(300))" : Self.words[next(Self.words.count)] }
            return Document(id: "doc\(number)", title: title.joined(separator: " "), body: body.joined(separator: " "))
        }
    }

    private func engine() throws -> QueryEngine {
        var configuration = IndexConfiguration(memoryBudget: 512 << 10)
        configuration.mergePolicy = nil  // several segments: θ carries from one to the next
        let index = Index.inMemory(configuration: configuration)
        try self.index(corpus(documents: 2_500), into: index)
        let writer = try index.writer()
        for number in stride(from: 3, to: 2_500, by: 11) { XCTAssertTrue(try writer.delete(id: "doc\(number)")) }
        try writer.commit()
        writer.close()
        let manifest = try index.store.readManifest()
        return QueryEngine(segments: try manifest.segments.map { try index.store.openSegment($0) })
    }

    func testPrunedKeysEqualExhaustiveScoring() throws {
        let engine = try engine()
        XCTAssertGreaterThan(engine.segments.count, 1, "the test wants several segments")
        // The shape that seeds θ: a title list with at least k documents and 8× shorter than the body list.
        var counting = QueryOptions(limit: 0)
        counting.scoring = .bm25
        counting.totalHitsThreshold = Int.max
        let titles = try engine.search("title:đảng", options: counting).totalHits
        let bodies = try engine.search("body:đảng", options: counting).totalHits
        XCTAssertGreaterThanOrEqual(titles, 100)
        XCTAssertLessThanOrEqual(titles * 8, bodies)

        var compared = 0
        // Five words in two fields: ten leaves, so `clearFlags` clears a second word of matched flags.
        for query in ["đảng", "đảng OR viên", "xây OR dựng OR công", "title:đảng OR body:viên", "người OR absent", "dục",
                      "xây OR dựng OR công OR tác OR giáo"] {
            for (limit, threshold) in [(1, 0), (10, 10), (10, 1_000), (100, 100), (100, Int.max)] {
                compared += try assertPrunedMatchesExhaustive(engine, query, limit: limit, threshold: threshold).compared
            }
        }
        XCTAssertGreaterThan(compared, 1_000)
    }

    /// No title list alone holds k documents but together they do (top-100 on a news corpus): θ is seeded
    /// from the best single-leaf score of each of their documents (`unionThreshold`). One segment, so the
    /// seed is not carried from an earlier one.
    func testTitleListsSeedTogetherWhenNoneHoldsKDocuments() throws {
        let index = Index.inMemory()
        try self.index(corpus(documents: 2_500), into: index)
        let manifest = try index.store.readManifest()
        let engine = QueryEngine(segments: try manifest.segments.map { try index.store.openSegment($0) })
        XCTAssertEqual(engine.segments.count, 1)
        var counting = QueryOptions(limit: 0)
        counting.scoring = .bm25
        counting.totalHitsThreshold = Int.max
        let limit = 200
        let words = ["đảng", "viên", "xây"]
        let titles = try words.map { try engine.search("title:\($0)", options: counting).totalHits }
        let bodies = try words.map { try engine.search("body:\($0)", options: counting).totalHits }
        for (title, body) in zip(titles, bodies) {
            XCTAssertLessThan(title, limit)
            XCTAssertLessThanOrEqual(title * 8, body)
        }
        XCTAssertGreaterThanOrEqual(titles.reduce(0, +), limit)
        var compared = 0
        for query in ["đảng OR viên OR xây", "đảng OR viên", "xây OR dựng OR công OR tác"] {
            for threshold in [0, limit, 1_000, Int.max] {
                compared += try assertPrunedMatchesExhaustive(engine, query, limit: limit, threshold: threshold).compared
            }
        }
        XCTAssertEqual(compared, 12 * limit)
    }
}
