import XCTest
@testable import VietSearch
import VietSearchQuery

/// The bare-key paths of `TermDisjunction` (a key in one field; a key whose title list is at most 1/8 of its
/// body list) against exhaustive scoring, on a corpus built so that each path is taken: `mạnh` has short
/// titles and long bodies (its title scores alone settle the top k: only title documents are offered),
/// `yếu` long titles and short bodies repeating it (body-only documents reach the top k: the general loop).
final class BareKeyPruningTests: FacadeTestCase {
    private func corpus(documents: Int) -> [Document] {
        (0..<documents).map { number in
            // Lengths vary so that scores differ (ties would hide a document offered out of turn).
            let filler = (0..<(100 + number % 53)).map { "chữ\(($0 + number) % 97)" }
            var title = (0...(number / 40) % 4).map { "tin\($0 + number % 13)" }.joined(separator: " ")
            var body = filler.joined(separator: " ")
            if number % 40 == 0 { title = "mạnh \(title)" }
            if number % 2 == 0 { body = "mạnh " + body }
            if number % 40 == 2 { title = "yếu " + filler.prefix(30).joined(separator: " ") }
            if number % 2 == 1 { body = "yếu yếu yếu yếu \(number % 7) chữ" + (number % 6 == 1 ? " yếu" : "") }
            return Document(id: "doc\(number)", title: title, body: body)
        }
    }

    private func engine(deleting step: Int?) throws -> QueryEngine {
        let index = try singleSegmentIndex(of: corpus(documents: 2_400), deletingEvery: step, from: 5)
        let manifest = try index.store.readManifest()
        return QueryEngine(segments: try manifest.segments.map { try index.store.openSegment($0) })
    }

    private func hits(_ engine: QueryEngine, _ query: String, limit: Int) throws -> Set<UInt64> {
        var options = QueryOptions(limit: limit)
        options.scoring = .bm25
        options.totalHitsThreshold = Int.max
        return Set(try engine.search(query, options: options).hits.map { UInt64($0.segment) << 32 | UInt64($0.doc) })
    }

    func testBareKeyPathsEqualExhaustiveScoring() throws {
        for deleting in [nil, 17] {
            let engine = try engine(deleting: deleting)
            var compared = 0
            for query in ["mạnh", "yếu", "title:mạnh", "body:yếu", "mạnh OR yếu"] {
                // (100, 10) and (200, 100): fewer title documents than k, body counted up front: the title
                // list offered in full, then the body list walked alone (`scoreSparseFirst`).
                for (limit, threshold) in [(1, 0), (10, 10), (10, 1_000), (60, 10), (100, 10), (200, 100), (100, Int.max)] {
                    compared += try assertPrunedMatchesExhaustive(engine, query, limit: limit, threshold: threshold).compared
                }
            }
            XCTAssertGreaterThan(compared, 300)
            // The shapes the paths rely on: `mạnh`'s top 10 all have it in the title, `yếu`'s do not.
            let titled = try hits(engine, "title:mạnh", limit: 1_000)
            XCTAssertTrue(try hits(engine, "mạnh", limit: 10).isSubset(of: titled))
            XCTAssertFalse(try hits(engine, "yếu", limit: 10).isSubset(of: try hits(engine, "title:yếu", limit: 1_000)))
        }
    }
}
