import XCTest
@testable import VietSearch
@testable import VietSearchQuery

/// `KeyConjunction` (conjunctions of key groups with `.bm25`) must return what exhaustive scoring returns:
/// the same hits in the same order with bit-identical scores, and a total that is exact (equal to the
/// exhaustive one) or, flagged, a lower bound of at least the threshold. Both ways of counting are covered:
/// bitsets for groups of similar length, the leapfrog when one group is rare.
final class KeyConjunctionTests: FacadeTestCase {
    /// Common words in most documents, `hiếm` in about one document in fifty, `lạ` in one in twenty.
    private func corpus(documents: Int) -> [Document] {
        let common = ["đảng", "viên", "xây", "dựng", "công", "tác", "người", "dân"]
        var state: UInt64 = 0x9E37_79B9
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func words(_ count: Int) -> String {
            (0..<count).map { _ -> String in
                if next(1_000) == 0 { return "hiếm" }
                if next(20) == 0 { return "lạ" }
                return common[next(common.count)]
            }.joined(separator: " ")
        }
        return (0..<documents).map { number in
            Document(id: "doc\(number)", title: words(1 + next(4)), body: words(2 + next(40)))
        }
    }

    private func engine(_ index: Index) throws -> QueryEngine {
        let manifest = try index.store.readManifest()
        return QueryEngine(segments: try manifest.segments.map { try index.store.openSegment($0) })
    }

    /// Several segments, with deletes (never marked on the bitsets, never scored).
    private func segmentedIndex() throws -> Index {
        var configuration = IndexConfiguration(memoryBudget: 256 << 10)
        configuration.mergePolicy = nil
        let index = Index.inMemory(configuration: configuration)
        try self.index(corpus(documents: 3_000), into: index)
        let writer = try index.writer()
        for number in stride(from: 2, to: 3_000, by: 9) { XCTAssertTrue(try writer.delete(id: "doc\(number)")) }
        try writer.commit()
        writer.close()
        return index
    }

    private static let queries = ["đảng AND viên", "viên AND đảng", "hiếm AND đảng", "lạ AND xây", "hiếm AND lạ",
                                  "đảng AND viên AND xây", "(đảng OR viên) AND dân", "đảng AND viên -xây", "+đảng +viên -xây",
                                  "hiếm AND viên -lạ", "+công +tác", "title:đảng AND viên", "title:hiếm AND body:lạ",
                                  "đảng AND absent"]

    func testPrunedEqualsExhaustive() throws {
        let engine = try engine(try segmentedIndex())
        XCTAssertGreaterThan(engine.segments.count, 1)
        var compared = 0
        var inexact = 0
        for query in Self.queries {
            for (limit, threshold) in [(1, 0), (10, 10), (10, 1_000), (100, 300), (10, Int.max)] {
                let (hits, exact) = try assertPrunedMatchesExhaustive(engine, query, limit: limit, threshold: threshold)
                compared += hits
                if !exact { inexact += 1 }
            }
        }
        XCTAssertGreaterThan(compared, 1_000)
        XCTAssertGreaterThan(inexact, 5, "small thresholds should let the leapfrog stop counting")
    }

    /// The query shapes this path takes, and which count each pair of groups gets.
    func testPathAndCountingChoice() throws {
        let engine = try engine(try segmentedIndex())
        func pruner(_ query: String, scoring: ScoringMode = .bm25) throws -> KeyConjunction? {
            var options = QueryOptions(limit: 10)
            options.scoring = scoring
            let parsed = try QueryParser().parse(query)
            var analyzed = QueryAnalyzer().analyze(parsed)
            if case .vietnamese(let weights) = scoring {
                var expander = VietnameseQueryExpander(weights: weights,
                                                       vocabulary: IndexVocabulary(segments: engine.segments, fields: options.fields.map(\.name),
                                                                                   shared: engine.frequencyCache),
                                                       residueDecoder: { _ in nil })
                analyzed = try expander.expand(analyzed)
            }
            let weight = try QueryWeight(analyzed, segments: engine.segments, options: options)
            guard let parts = try weight.conjunctiveParts(segment: 0), let parts else { return nil }
            return try KeyConjunction(parts, documentCount: engine.segments[0].documentCount)
        }
        let common = try XCTUnwrap(try pruner("đảng AND viên"))
        XCTAssertTrue(common.prefersBitset(leftToCount: 1_000), "similar lists: counted on bitsets")
        let rare = try XCTUnwrap(try pruner("hiếm AND đảng"))
        XCTAssertFalse(rare.prefersBitset(leftToCount: 1_000), "a rare group: the leapfrog touches only its documents")
        XCTAssertNotNil(try pruner("+đảng +viên -xây"), "exclusions are cleared from the bitset")
        // Optional clauses (adjacency phrases of `.vietnamese`) and required phrases take `ConjunctivePruner`.
        XCTAssertNil(try pruner("đảng AND viên", scoring: .vietnamese(.measuredDefault)))
        XCTAssertNil(try pruner("\"đảng viên\" AND xây"))
        XCTAssertNil(try pruner("đảng AND viên xây"))
    }
}
