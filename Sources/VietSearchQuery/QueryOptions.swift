/// Everything a search needs besides the query text (the facade's `SearchOptions`, validated).
package struct QueryOptions: Sendable {
    /// Hits to return (top-k); 0 still counts `totalHits`.
    package var limit: Int
    package var defaultOperator: DefaultOperator
    package var bm25: BM25
    /// Fields searched by clauses without `field:`, with their boosts.
    package var fields: [(name: String, boost: Double)]
    /// Attach the score components to every hit.
    package var explain: Bool
    /// `.bm25` (the v1 formula) or `.vietnamese` (two-level matching and adjacency).
    package var scoring: ScoringMode = .bm25
    /// Compute `QueryResult.suggestion` (diacritic restoration) for queries typed without marks.
    package var suggest: Bool = false
    /// Score every match (no dynamic pruning): the reference the pruned paths are tested against.
    package var exhaustive = false
    /// Count matches exactly up to this many (at least `limit`); past it, top-k pruning may skip matches and
    /// `QueryResult.totalHits` is a lower bound (`totalHitsIsExact` false). `Int.max` counts every match.
    package var totalHitsThreshold = QueryOptions.defaultTotalHitsThreshold
    /// Lucene's default: enough for "about N results" and pages of results, small enough to prune early.
    package static let defaultTotalHitsThreshold = 1_000

    package init(limit: Int = 10, defaultOperator: DefaultOperator = .or, bm25: BM25 = BM25(),
                 fields: [(name: String, boost: Double)] = [("title", 2), ("body", 1)], explain: Bool = false) {
        self.limit = limit
        self.defaultOperator = defaultOperator
        self.bm25 = bm25
        self.fields = fields
        self.explain = explain
    }
}

/// One ranked document: `segment` indexes the snapshot's segment list, `doc` is the local doc id.
package struct QueryHit: Sendable {
    package var segment: Int
    package var doc: UInt32
    package var score: Double
    /// The addends of `score` (when asked for); they sum to it.
    package var explanation: [ScoreContribution]?
}

/// The outcome of one search.
package struct QueryResult: Sendable {
    /// Number of documents that matched, or a lower bound of it when `totalHitsIsExact` is false.
    package var totalHits: Int
    /// False when pruning skipped matches past `QueryOptions.totalHitsThreshold`.
    package var totalHitsIsExact = true
    /// Best first; ties in global document order.
    package var hits: [QueryHit]
    /// The query with marks restored (`dang vien` → `đảng viên`), when asked for and different.
    package var suggestion: String? = nil
    /// The analysed query that was run (after `.vietnamese` expansion), set by `search(_: String, …)`;
    /// snippets mark what it matched.
    package var query: AnalyzedQuery? = nil
}
