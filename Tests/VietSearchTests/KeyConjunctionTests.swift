import XCTest
@testable import VietSearch
@testable import VietSearchQuery
import VietSearchStorage

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

    /// `conjunctiveTermLeaves` takes exactly the shapes whose `conjunctiveParts` `KeyConjunction` accepts, with
    /// the same leaves (list, field lengths, BM25 numbers), groups and tree; both pruners give the same answer.
    func testTermLeavesLayOutTheConjunctionAsTheScorerParts() throws {
        let engine = try engine(try segmentedIndex())
        var compared = 0
        for query in Self.queries + ["đảng AND viên xây", "\"đảng viên\" AND xây", "(đảng OR title:viên) AND (dân OR lạ) -hiếm"] {
            let weight = try QueryWeight(QueryAnalyzer().analyze(try QueryParser().parse(query)), segments: engine.segments,
                                         options: QueryOptions(limit: 10), fieldStatistics: engine.fieldStatistics)
            for segment in engine.segments.indices {
                let direct = try weight.conjunctiveTermLeaves(segment: segment)
                let parts = try weight.conjunctiveParts(segment: segment)
                guard let direct else {
                    // Not taken: the scorer parts must not make a key conjunction either.
                    if case .some(.some(let parts)) = parts {
                        XCTAssertNil(try KeyConjunction(parts, documentCount: 1), query)
                    }
                    continue
                }
                guard let direct else {
                    if case .some(.none) = parts {} else { XCTFail("\(query): nothing to match in segment \(segment)") }
                    continue
                }
                let scorerParts = try XCTUnwrap(try XCTUnwrap(parts), query)
                XCTAssertEqual(direct.groups, scorerParts.groups, query)
                XCTAssertEqual(direct.leaves.count, scorerParts.leaves.count, query)
                XCTAssertEqual(direct.excluded.count, scorerParts.excluded.count, query)
                XCTAssertEqual(String(describing: direct.tree), String(describing: scorerParts.tree), query)
                for (leaf, scorer) in zip(direct.leaves, scorerParts.leaves) {
                    var leaf = leaf
                    let term = try XCTUnwrap(scorer as? TermScorer, query)
                    XCTAssertEqual(leaf.info, term.leaf.info, query)
                    XCTAssertEqual(leaf.boost.bitPattern, term.leaf.boost.bitPattern, query)
                    XCTAssertEqual(leaf.idf.bitPattern, term.leaf.idf.bitPattern, query)
                    XCTAssertEqual(leaf.avgdl.bitPattern, term.leaf.avgdl.bitPattern, query)
                    XCTAssertEqual(try leaf.maxScore().bitPattern, try term.maxScore().bitPattern, query)
                    compared += 1
                }
                // Both pruners, run to the end, keep the same hits with bit-identical scores and count the same.
                for (limit, threshold) in [(10, 10), (100, Int.max)] {
                    var fromLeaves = TopKCollector(limit: limit)
                    var fromScorers = TopKCollector(limit: limit)
                    let documents = engine.segments[segment].documentCount
                    // Fresh parts for each run: the exclusions are scorers, used up by a run.
                    let freshLeaves = try XCTUnwrap(try XCTUnwrap(try weight.conjunctiveTermLeaves(segment: segment)))
                    let exactLeaves = try KeyConjunction(freshLeaves, documentCount: documents)
                        .collect(into: &fromLeaves, segment: segment, totalHitsThreshold: threshold)
                    let freshParts = try XCTUnwrap(try XCTUnwrap(try weight.conjunctiveParts(segment: segment)))
                    let exactScorers = try XCTUnwrap(try KeyConjunction(freshParts, documentCount: documents))
                        .collect(into: &fromScorers, segment: segment, totalHitsThreshold: threshold)
                    XCTAssertEqual(exactLeaves, exactScorers, query)
                    XCTAssertEqual(fromLeaves.totalHits, fromScorers.totalHits, query)
                    XCTAssertEqual(fromLeaves.sortedHits(), fromScorers.sortedHits(), "\(query) top-\(limit)")
                }
            }
        }
        XCTAssertGreaterThan(compared, 40)
    }

    /// Binding with the engine's per-snapshot field statistics gives the scores of binding without them
    /// (fields read from each segment on every query), on segments with deletions and a field missing from
    /// some of them.
    func testFieldStatisticsBindAsPerQueryLookups() throws {
        let index = try segmentedIndex()
        let writer = try index.writer()
        try writer.add(Document(id: "extra", fields: [("body", "đảng viên lạ"), ("note", "đảng viên")]))
        try writer.commit()
        writer.close()
        let engine = try engine(index)
        for query in Self.queries + ["note:đảng AND viên", "note:viên OR đảng", "nowhere:đảng OR viên"] {
            for limit in [10, 100] {
                var options = QueryOptions(limit: limit)
                options.exhaustive = true
                let analyzed = QueryAnalyzer().analyze(try QueryParser().parse(query))
                let shared = try engine.search(analyzed, options: options)
                let statistics = SnapshotFieldStatistics(segments: engine.segments)
                let cached = try QueryWeight(analyzed, segments: engine.segments, options: options, fieldStatistics: statistics)
                let fresh = try QueryWeight(analyzed, segments: engine.segments, options: options)
                XCTAssertEqual(shared.hits.count, Swift.min(limit, shared.totalHits), query)
                for segment in engine.segments.indices {
                    let one = try cached.scorer(segment: segment), other = try fresh.scorer(segment: segment)
                    XCTAssertEqual(one == nil, other == nil, query)
                    guard let one, let other else { continue }
                    var doc = one.doc
                    XCTAssertEqual(doc, other.doc, query)
                    while doc != PostingsCursor.noMoreDocs {
                        XCTAssertEqual(try one.score().bitPattern, try other.score().bitPattern, "\(query) doc \(doc)")
                        doc = try one.nextDoc()
                        XCTAssertEqual(doc, try other.nextDoc(), query)
                    }
                }
            }
        }
    }
}
