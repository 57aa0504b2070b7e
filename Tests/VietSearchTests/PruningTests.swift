import XCTest
@testable import VietSearch
@testable import VietSearchQuery

/// Dynamic pruning (MaxScore) must return exactly what exhaustive scoring returns: the same documents
/// in the same order with bit-identical scores, and the same total hit count.
final class PruningTests: FacadeTestCase {
    /// Skewed syllable frequencies (lists of several 128-doc blocks for common words, a few docs for rare
    /// ones), accented and unaccented forms, varied lengths, several segments.
    private func corpus(documents: Int) -> [Document] {
        let words = ["đảng", "viên", "xây", "dựng", "công", "tác", "giáo", "dục", "người", "dân", "kinh", "tế",
                     "phát", "triển", "văn", "hóa", "xã", "hội", "đang", "dang", "vien", "cong", "tac", "nước",
                     "nuoc", "học", "sinh", "trường", "thành", "phố"]
        var state: UInt64 = 0x1234_5678
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func word() -> String {
            // Squaring a uniform draw skews toward the first words.
            let draw = next(1_000)
            return words[draw * draw * words.count / 1_000_000]
        }
        return (0..<documents).map { number in
            let title = (0..<(1 + next(6))).map { _ in word() }.joined(separator: " ")
            let body = (0..<(3 + next(60))).map { _ in word() }.joined(separator: " ")
            return Document(id: "doc\(number)", title: title, body: body)
        }
    }

    private func engine(_ index: Index) throws -> QueryEngine {
        let manifest = try index.store.readManifest()
        return QueryEngine(segments: try manifest.segments.map { try index.store.openSegment($0) })
    }

    /// Several segments (no merge policy) of the skewed corpus.
    private func segmentedIndex() throws -> Index {
        var configuration = IndexConfiguration(memoryBudget: 256 << 10)
        configuration.mergePolicy = nil  // keep every flushed segment: the point is many segments
        let index = Index.inMemory(configuration: configuration)
        try self.index(corpus(documents: 3_000), into: index)
        return index
    }

    /// Pure disjunctions (MaxScore), conjunctions with optional clauses (ConjunctivePruner), phrases; the
    /// `.vietnamese` rewrite adds folded keys and adjacency phrases to each.
    private static let queries = ["đảng", "dang", "viên OR xây", "cong OR tac OR người", "nuoc OR phố OR hóa OR dân",
                                  "thành", "phố", "dựng OR kinh", "title:đảng OR body:viên", "học sinh trường",
                                  "đảng viên xây dựng công tác giáo dục", "absent OR phố", "x*", "(đảng OR viên) OR dân",
                                  "đảng AND viên", "dang AND vien", "+học sinh trường", "đảng AND viên -xây",
                                  "\"đảng viên\"", "\"dang vien\"", "\"xây dựng\" OR giáo", "\"công tác\"~2",
                                  "dang vien", "đảng viên", "đang vien",
                                  // Required groups of every shape: a phrase, a nested OR, a prefix, one field.
                                  "\"đảng viên\" AND xây", "(đảng OR viên) AND xây AND dựng", "x* AND đảng",
                                  "title:đảng AND viên -dân",
                                  // Phrase-only queries (`PhrasePruner`): several keys, one field, OR of phrases.
                                  "\"xây dựng đảng\"", "title:\"đảng viên\"", "\"đảng viên\" OR \"công tác\"",
                                  "\"viên đảng\" OR \"dân người\"~1"]

    private func assertPrunedEqualsExhaustive(_ engine: QueryEngine, queries: [String] = queries,
                                              file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertGreaterThan(engine.segments.count, 1, "the test wants several segments", file: file, line: line)
        var compared = 0
        var inexact = 0
        for scoring in [ScoringMode.bm25, .vietnamese(.measuredDefault)] {
            for query in queries {
                // Segments whose candidates fit in what is left to count take the plain scorer path: 1,000
                // and 300 mix plain early segments with pruned later ones in one search, Int.max is all plain.
                for (limit, threshold) in [(1, 0), (10, 50), (10, 1_000), (100, 300), (100, Int.max)] {
                    let (hits, exact) = try assertPrunedMatchesExhaustive(engine, query, scoring: scoring, limit: limit,
                                                                          threshold: threshold, file: file, line: line)
                    compared += hits
                    if !exact { inexact += 1 }
                }
            }
        }
        XCTAssertGreaterThan(compared, 1_500, file: file, line: line)
        XCTAssertGreaterThan(inexact, 20, "the thresholds should let pruning skip matches", file: file, line: line)
    }

    func testMaxScoreEqualsExhaustiveScoring() throws {
        try assertPrunedEqualsExhaustive(try engine(try segmentedIndex()))
    }

    /// Deleted documents must neither be scored nor counted by the pruned path (its hit count marks
    /// documents straight from the postings blocks).
    func testMaxScoreSkipsDeletedDocuments() throws {
        let index = try segmentedIndex()
        let writer = try index.writer()
        for number in stride(from: 0, to: 3_000, by: 5) {
            XCTAssertTrue(try writer.delete(id: "doc\(number)"))
        }
        try writer.commit()
        writer.close()
        let engine = try engine(index)
        try assertPrunedEqualsExhaustive(engine)
        let everyDang = try engine.search("đảng", options: QueryOptions(limit: 3_000))
        XCTAssertTrue(everyDang.totalHitsIsExact)
        XCTAssertFalse(everyDang.hits.isEmpty)
        XCTAssertEqual(everyDang.totalHits, everyDang.hits.count)
    }

    /// Phrase-only queries over a corpus where the phrases are frequent (hundreds of matches per segment):
    /// `PhrasePruner` counts exactly below the threshold, flags a lower bound past it, and returns the
    /// exhaustive top k, also with deletes and with thresholds that stop counting inside a segment.
    func testPhraseOnlyPruningEqualsExhaustive() throws {
        let index = try segmentedIndex()
        let writer = try index.writer()
        for number in stride(from: 1, to: 3_000, by: 7) { XCTAssertTrue(try writer.delete(id: "doc\(number)")) }
        try writer.commit()
        writer.close()
        let engine = try engine(index)
        let phrases = ["\"đảng viên\"", "\"đảng đảng\"", "\"viên đảng xây\"", "\"đảng viên\" OR \"xây dựng\"",
                       "body:\"đảng viên\"", "\"đảng xây\"~3", "\"dang vien\""]
        for phrase in phrases {
            let weight = try QueryWeight(QueryAnalyzer().analyze(try QueryParser().parse(phrase)), segments: engine.segments,
                                         options: QueryOptions())
            XCTAssertTrue(weight.isPhraseDisjunction, phrase)
        }
        for other in ["đảng", "\"đảng viên\" OR xây", "\"đảng viên\" AND xây", "\"đảng viên\" -xây"] {
            let weight = try QueryWeight(QueryAnalyzer().analyze(try QueryParser().parse(other)), segments: engine.segments,
                                         options: QueryOptions())
            XCTAssertFalse(weight.isPhraseDisjunction, other)
        }
        var options = QueryOptions(limit: 10)
        options.totalHitsThreshold = Int.max
        XCTAssertGreaterThan(try engine.search("\"đảng viên\"", options: options).totalHits, 300,
                             "the test wants a phrase with many matches")
        try assertPrunedEqualsExhaustive(engine, queries: phrases)
    }

    /// Counting a phrase over title and body (a flat scorer tree: `PhrasePruner.countFlatMatches`) stops on the
    /// match that reaches the threshold, wherever it falls, and the pruning phase goes on from that candidate:
    /// the total is exactly the threshold and the top k the exhaustive one, bit for bit.
    func testPhraseCountingStopsAtEveryThreshold() throws {
        let index = Index.inMemory()
        try self.index(corpus(documents: 800), into: index)
        let engine = try engine(index)
        XCTAssertEqual(engine.segments.count, 1, "the test wants the pruner's stop inside one segment")
        let phrase = "\"đảng viên\""
        var everything = QueryOptions(limit: 10)
        everything.totalHitsThreshold = Int.max
        XCTAssertGreaterThan(try engine.search(phrase, options: everything).totalHits, 60, "the test wants many matches")
        for threshold in 1...60 {
            for limit in [1, 3, 10] {
                let (_, exact) = try assertPrunedMatchesExhaustive(engine, phrase, limit: limit, threshold: threshold)
                var options = QueryOptions(limit: limit)
                options.totalHitsThreshold = threshold
                let pruned = try engine.search(phrase, options: options)
                XCTAssertFalse(exact, "threshold \(threshold)")
                XCTAssertEqual(pruned.totalHits, Swift.max(threshold, limit), "threshold \(threshold), top-\(limit)")
            }
        }
    }

    func testPrunedTotalCountsEveryMatch() throws {
        let index = Index.inMemory()
        try self.index([Document(id: "a", title: "đảng", body: "viên"), Document(id: "b", title: "x", body: "viên"),
                        Document(id: "c", title: "y", body: "z")], into: index)
        let result = try engine(index).search("đảng OR viên", options: QueryOptions(limit: 1))
        XCTAssertEqual(result.totalHits, 2)
        XCTAssertTrue(result.totalHitsIsExact)
        XCTAssertEqual(result.hits.count, 1)
    }

    /// Past the threshold the count is a lower bound, flagged; `Int.max` counts every match.
    func testTotalHitsThreshold() throws {
        let engine = try engine(try segmentedIndex())
        var skipped = 0
        for query in ["đảng", "viên OR xây", "đảng AND viên", "dang vien"] {
            var options = QueryOptions(limit: 10)
            options.scoring = .vietnamese(.measuredDefault)
            options.totalHitsThreshold = Int.max
            let exact = try engine.search(query, options: options)
            XCTAssertTrue(exact.totalHitsIsExact, query)
            XCTAssertGreaterThan(exact.totalHits, 100, query)
            options.totalHitsThreshold = 20
            let bounded = try engine.search(query, options: options)
            XCTAssertLessThanOrEqual(bounded.totalHits, exact.totalHits, query)
            XCTAssertGreaterThanOrEqual(bounded.totalHits, 20, query)
            if !bounded.totalHitsIsExact { skipped += 1 }
            XCTAssertEqual(bounded.hits.map(\.doc), exact.hits.map(\.doc), query)
        }
        XCTAssertGreaterThan(skipped, 1, "pruning past the threshold should flag lower bounds")
    }
}
