import VietSearchStorage

/// Runs queries over a snapshot's segments. The module, in data-flow order:
///
/// 1. `QueryLexer`, `QueryParser` → `QueryNode`: the syntax tree of raw words (Lucene classic syntax).
/// 2. `QueryAnalyzer` → `AnalyzedQuery`: words analysed like documents and turned into term bytes (`TermKeys`).
/// 3. `QueryWeight`: the query bound to index-wide statistics (N, n, avgdl summed over all segments, `BM25`).
/// 4. Per segment, `DocScorer`s: `TermScorer`, `PhraseScorer` at the leaves; `ConjunctionScorer` (MUST,
///    rarest first), `DisjunctionScorer`/`WideDisjunctionScorer` (SHOULD, fields, prefix keys) and
///    `BooleanScorer` (MUST_NOT, optional SHOULD) above them; document at a time.
/// 5. `TopKCollector` keeps the best hits; the returned ones are explained on request.
///
/// Not its job: text rules (analysis), bytes on disk (storage), stored fields and errors for users (facade).
package struct QueryEngine: Sendable {
    package let segments: [SegmentReader]

    package init(segments: [SegmentReader]) {
        self.segments = segments
    }

    /// Parses and runs `query`. Throws `QueryParseError` for bad syntax, `StorageError` from reading.
    package func search(_ query: String, options: QueryOptions) throws -> QueryResult {
        let parsed = try QueryParser(defaultOperator: options.defaultOperator).parse(query)
        return try search(QueryAnalyzer().analyze(parsed), options: options)
    }

    /// Runs an already analysed query.
    package func search(_ query: AnalyzedQuery, options: QueryOptions) throws -> QueryResult {
        let weight = try QueryWeight(query, segments: segments, options: options)
        var collector = TopKCollector(limit: options.limit)
        for index in segments.indices {
            guard let scorer = try weight.scorer(segment: index) else { continue }
            var doc = scorer.doc
            while doc != PostingsCursor.noMoreDocs {
                collector.collect(score: try scorer.score(), segment: index, doc: doc)
                doc = try scorer.nextDoc()
            }
        }
        var hits = collector.sortedHits().map {
            QueryHit(segment: $0.segment, doc: $0.doc, score: $0.score, explanation: nil)
        }
        if options.explain {
            for index in hits.indices {
                hits[index].explanation = try explain(weight, segment: hits[index].segment, doc: hits[index].doc)
            }
        }
        return QueryResult(totalHits: collector.totalHits, hits: hits)
    }

    /// Re-runs a fresh scorer up to `doc` and collects its components (only for the few returned hits).
    private func explain(_ weight: QueryWeight, segment: Int, doc: UInt32) throws -> [ScoreContribution] {
        guard let scorer = try weight.scorer(segment: segment), try scorer.advance(to: doc) == doc else { return [] }
        var components: [ScoreContribution] = []
        try scorer.explain(into: &components)
        return components
    }
}
