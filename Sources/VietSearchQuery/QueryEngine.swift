import VietSearchAnalysis
import VietSearchStorage

/// Runs queries over a snapshot's segments. The module, in data-flow order:
///
/// 1. `QueryLexer`, `QueryParser` → `QueryNode`: the syntax tree of raw words (Lucene classic syntax).
/// 2. `QueryAnalyzer` → `AnalyzedQuery`: words analysed like documents and turned into term bytes (`TermKeys`).
///    With `.vietnamese` scoring, `VietnameseQueryExpander` then rewrites it (two-level matching, partial
///    marks, adjacency phrases, typing residue); `DiacriticRestorer` computes the suggestion.
/// 3. `QueryWeight`: the query bound to index-wide statistics (N, n, avgdl summed over all segments, `BM25`).
/// 4. Per segment, `DocScorer`s: `TermScorer`, `PhraseScorer` at the leaves; `ConjunctionScorer` (MUST,
///    rarest first), `DisjunctionScorer`/`WideDisjunctionScorer` (SHOULD, fields, prefix keys) and
///    `BooleanScorer` (MUST_NOT, optional SHOULD) above them; document at a time.
///    With a limit, four shapes are pruned instead of scored exhaustively (same top k, bit-identical
///    scores): disjunctions of keys alone by `TermDisjunction`, phrase-only queries by `PhrasePruner`,
///    other pure disjunctions by `MaxScoreDisjunction`, queries with MUST clauses by `ConjunctivePruner`
///    (MaxScore over the MUST clauses' leaves); they read phrases' positions only for documents that can
///    still compete (or must be counted),
///    and count matches exactly up to `QueryOptions.totalHitsThreshold`.
/// 5. `TopKCollector` keeps the best hits; the returned ones are explained on request.
///
/// Not its job: text rules (analysis), bytes on disk (storage), stored fields and errors for users (facade).
package struct QueryEngine: Sendable {
    package let segments: [SegmentReader]
    /// Decodes Telex/VNI typing residue in a query token (`ddangr` → `đảng`), nil when it is not residue;
    /// used only by `.vietnamese` scoring, only for tokens without postings.
    package let residueDecoder: @Sendable (String) -> String?
    /// Spelling frequencies looked up by earlier queries of this snapshot (expansion and restoration).
    package let frequencyCache = DocumentFrequencyCache()
    /// Keys' per-segment infos looked up by earlier queries of this snapshot (binding).
    package let lookupCache = TermLookupCache()
    /// Fields' numbers and summed lengths in this snapshot (binding).
    package let fieldStatistics: SnapshotFieldStatistics

    package init(segments: [SegmentReader],
                 residueDecoder: @escaping @Sendable (String) -> String? = TypingResidueDecoder.decode) {
        self.segments = segments
        self.residueDecoder = residueDecoder
        fieldStatistics = SnapshotFieldStatistics(segments: segments)
    }

    /// Parses and runs `query`. Throws `QueryParseError` for bad syntax, `StorageError` from reading.
    package func search(_ query: String, options: QueryOptions) throws -> QueryResult {
        let parsed = try QueryParser(defaultOperator: options.defaultOperator).parse(query)
        var analyzed = QueryAnalyzer().analyze(parsed)
        if case .vietnamese(let weights) = options.scoring {
            var expander = VietnameseQueryExpander(weights: weights, vocabulary: vocabulary(options),
                                                   residueDecoder: residueDecoder)
            analyzed = try expander.expand(analyzed)
        }
        var result = try search(analyzed, options: options)
        result.query = analyzed
        if options.suggest { result.suggestion = try suggestion(for: query, options: options) }
        return result
    }

    /// The query with its marks restored from this snapshot's statistics (`DiacriticRestorer`), or nil.
    package func suggestion(for query: String, options: QueryOptions) throws -> String? {
        // The restorer's own first tests, before its vocabulary and closure are built: a query typed with all
        // its marks, or with an operator word (most queries), costs a scan or two of its bytes and scalars.
        guard DiacriticRestorer.mayRestore(query) else { return nil }
        var counting = options
        counting.limit = 0
        counting.explain = false
        let fields = options.fields.map(\.name)
        var restorer = DiacriticRestorer(vocabulary: vocabulary(options)) { keys in
            if let known = self.frequencyCache.pairCount(fields: fields, keys: keys) { return known }
            let count = try self.search(.phrase(label: "", field: nil, keys: keys, slop: 0), options: counting).totalHits
            self.frequencyCache.store(pairCount: count, fields: fields, keys: keys)
            return count
        }
        return try restorer.restoreTokens(query)
    }

    private func vocabulary(_ options: QueryOptions) -> IndexVocabulary {
        IndexVocabulary(segments: segments, fields: options.fields.map(\.name), shared: frequencyCache,
                        lookups: lookupCache)
    }

    /// Runs an already analysed query.
    package func search(_ query: AnalyzedQuery, options: QueryOptions) throws -> QueryResult {
        let weight = try QueryWeight(query, segments: segments, options: options, lookups: lookupCache,
                                     fieldStatistics: fieldStatistics)
        var collector = TopKCollector(limit: options.limit)
        let countUpTo = Swift.max(options.totalHitsThreshold, options.limit)
        var exact = true
        // Keys alone whose longest lists already hold the hits to count: each segment reports its longest
        // list (a lower bound) without counting the union, as one merged segment would (threshold 0).
        let keysCountUpTo = weight.keyDisjunctionMatchesLowerBound().map { $0 >= countUpTo ? 0 : countUpTo } ?? countUpTo
        for index in segments.indices {
            if options.limit > 0 && !options.exhaustive {
                // Keys alone (every `.bm25` OR of terms): counted up front, pruned from the first document.
                if let pruner = try TermDisjunction(weight, segment: index) {
                    exact = try pruner.collect(into: &collector, segment: index, totalHitsThreshold: keysCountUpTo) && exact
                    continue
                }
                // Pruning skips nothing until `countUpTo` matches are counted, and its per-document
                // bookkeeping costs more than the plain scorer tree: a disjunction expected to have no more
                // matches in the segment than are left to count takes the plain path (exact either way).
                let leftToCount = Double(Swift.max(0, countUpTo - collector.totalHits))
                // Estimated before any leaf is made: a segment taking the plain path made its leaves twice.
                if let estimate = try weight.disjunctiveEstimate(segment: index) {
                    guard estimate.leaves > 0 else { continue }
                    // Phrases only: `PhrasePruner` counts as cheaply as the plain tree, then prunes.
                    if weight.isPhraseDisjunction, let (leaves, tree) = try weight.disjunctiveLeaves(segment: index),
                       let pruner = try PhrasePruner(leaves: leaves, tree: tree) {
                        exact = try pruner.collect(into: &collector, segment: index, totalHitsThreshold: countUpTo) && exact
                        continue
                    }
                    if estimate.matches > leftToCount, let (leaves, tree) = try weight.disjunctiveLeaves(segment: index) {
                        let pruner = try MaxScoreDisjunction(leaves: leaves, tree: tree,
                                                             documentCount: segments[index].documentCount)
                        exact = try pruner.collect(into: &collector, segment: index, totalHitsThreshold: countUpTo) && exact
                        continue
                    }
                } else if let parts = try weight.conjunctiveTermLeaves(segment: index) {
                    // Key groups alone, no optional clause (every `.bm25` `a AND b`): `KeyConjunction` on
                    // leaves made as `TermLeaf`s.
                    guard let parts else { continue }
                    let pruner = try KeyConjunction(parts, documentCount: segments[index].documentCount)
                    exact = try pruner.collect(into: &collector, segment: index, totalHitsThreshold: countUpTo) && exact
                    continue
                } else if let parts = try weight.conjunctiveParts(segment: index) {
                    guard let parts else { continue }
                    // Key groups alone (every `.bm25` `a AND b`): leaves stepped in place, counted on bitsets.
                    if let pruner = try KeyConjunction(parts, documentCount: segments[index].documentCount) {
                        exact = try pruner.collect(into: &collector, segment: index, totalHitsThreshold: countUpTo) && exact
                        continue
                    }
                    // Always pruned: the plain tree reads every adjacency phrase's positions, which cost
                    // more than the pruner's bookkeeping even on short lists (callgrind, round 3).
                    let pruner = try ConjunctivePruner(parts)
                    exact = try pruner.collect(into: &collector, segment: index, totalHitsThreshold: countUpTo) && exact
                    continue
                }
            }
            guard let scorer = try weight.scorer(segment: index) else { continue }
            var doc = scorer.doc
            if options.limit == 0 {
                // Only the count is wanted: skip scoring.
                while doc != PostingsCursor.noMoreDocs {
                    collector.count()
                    doc = try scorer.nextDoc()
                }
                continue
            }
            while doc != PostingsCursor.noMoreDocs {
                collector.collect(score: try scorer.score(), segment: index, doc: doc)
                doc = try scorer.nextDoc()
            }
        }
        var hits = collector.sortedHits().map {
            QueryHit(segment: $0.segment, doc: $0.doc, score: $0.score, explanation: nil)
        }
        if options.explain { try explain(&hits, weight: weight) }
        var result = QueryResult(totalHits: collector.totalHits, hits: hits)
        result.totalHitsIsExact = exact
        return result
    }

    /// Fills in the hits' components: one fresh scorer per segment walks that segment's hits in doc order
    /// (scorers only move forward), so explaining k hits costs one pass, not k.
    private func explain(_ hits: inout [QueryHit], weight: QueryWeight) throws {
        let order = hits.indices.sorted { (hits[$0].segment, hits[$0].doc) < (hits[$1].segment, hits[$1].doc) }
        var segment = -1
        var scorer: (any DocScorer)?
        for index in order {
            if hits[index].segment != segment {
                segment = hits[index].segment
                scorer = try weight.scorer(segment: segment)
            }
            var components: [ScoreContribution] = []
            if let scorer, try scorer.advance(to: hits[index].doc) == hits[index].doc {
                try scorer.explain(into: &components)
            }
            hits[index].explanation = components
        }
    }
}
