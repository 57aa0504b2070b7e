import VietSearchAnalysis

/// Rewrites an analysed query for `.vietnamese` scoring (README "Ranking"); the result is scored with
/// plain BM25 components, so explanations show every part:
///
/// - A token typed with marks matches every exact key of the index that keeps all its marks (`bản` →
///   `bản`; a partial `đang` → `đang`, `đảng`, `đáng`…), plus its folded key boosted by `w < 1`:
///   `BM25(exact) + w · BM25(folded)`. A bare ASCII token matches its folded key (as in `.bm25`).
/// - A quoted phrase with marks also matches its folded phrase, boosted by `w`.
/// - Two adjacent term clauses add an optional clause: their folded phrase (boost `adjacencyWeight`), and
///   their phrase with the keys as typed when one has marks (boost `exactAdjacencyWeight`), so `dang vien`
///   ranks documents with `đảng viên` first. Both are ordinary phrase clauses (top-k pruning can bound them).
/// - Typing-method residue (`ddangr`, `d9a3ng`): a token whose folded key has no postings is decoded by
///   `residueDecoder`; the decoded form is used when it is a known exact key of the index.
struct VietnameseQueryExpander {
    var weights: VietnameseWeights
    var vocabulary: IndexVocabulary
    /// Decodes Telex/VNI residue (`ddangr` → `đảng`), nil when the text is not residue.
    var residueDecoder: (String) -> String?
    private let analyzer = VietnameseAnalyzer()

    init(weights: VietnameseWeights, vocabulary: IndexVocabulary, residueDecoder: @escaping (String) -> String?) {
        self.weights = weights
        self.vocabulary = vocabulary
        self.residueDecoder = residueDecoder
    }

    mutating func expand(_ query: AnalyzedQuery) throws -> AnalyzedQuery {
        switch query {
        case .nothing, .prefix:
            return query
        case .term(_, TermKeys.idField, _), .phrase(_, TermKeys.idField, _, _):
            return query
        case .boosted(let inner, let boost):
            return .boosted(try expand(inner), boost: boost)
        case .term(let label, let field, let key):
            return try expandTerm(label: label, field: field, key: key)
        case .phrase(let label, let field, let keys, let slop):
            guard keys.contains(where: { $0.first == TermKeys.exactMarker }) else { return query }
            let folded = keys.map(foldedKey)
            return .boolean([AnalyzedClause(.should, query),
                             AnalyzedClause(.should, .boosted(.phrase(label: label, field: field, keys: folded, slop: slop),
                                                              boost: weights.foldedWeight))])
        case .boolean(let clauses):
            var expanded = try clauses.map { AnalyzedClause($0.occur, try expand($0.query)) }
            expanded += adjacencyClauses(clauses)
            return .boolean(expanded)
        }
    }

    private mutating func expandTerm(label: String, field: String?, key: [UInt8]) throws -> AnalyzedQuery {
        let (text, kind) = TermKeys.describe(key)
        if kind == "exact" { return try accented(label: label, field: field, exact: text) }
        guard kind == "folded", try vocabulary.documentFrequency(key) == 0,
              let decoded = residueDecoder(text),
              let token = analyzer.analyze(decoded).tokens.first, token.hasNonASCIILetter,
              try vocabulary.documentFrequency(TermKeys.exact(token.exact)) > 0 else {
            return .term(label: label, field: field, key: key)
        }
        return try accented(label: label, field: field, exact: token.exact)
    }

    /// `BM25(compatible exact keys) + w · BM25(folded key)`.
    private mutating func accented(label: String, field: String?, exact: String) throws -> AnalyzedQuery {
        let folded = Self.fold(exact)
        var clauses = [AnalyzedClause(.should, .term(label: label, field: field, key: TermKeys.exact(exact)))]
        for spelling in try vocabulary.spellings(folded: folded, compatibleWith: exact, fold: Self.fold)
        where spelling.key != exact {
            clauses.append(AnalyzedClause(.should, .term(label: label, field: field, key: TermKeys.exact(spelling.key))))
        }
        clauses.append(AnalyzedClause(.should, .boosted(.term(label: label, field: field, key: TermKeys.folded(folded)),
                                                        boost: weights.foldedWeight)))
        return .boolean(clauses)
    }

    /// Phrase bonuses for each pair of adjacent term clauses that can both match (not MUST_NOT).
    private func adjacencyClauses(_ clauses: [AnalyzedClause]) -> [AnalyzedClause] {
        var bonuses: [AnalyzedClause] = []
        for (left, right) in zip(clauses, clauses.dropFirst()) {
            guard left.occur != .mustNot, right.occur != .mustNot,
                  case .term(let leftLabel, let leftField, let leftKey) = left.query,
                  case .term(let rightLabel, let rightField, let rightKey) = right.query,
                  leftField == rightField, leftField != TermKeys.idField else { continue }
            let label = leftLabel + " " + rightLabel
            let typed = [leftKey, rightKey]
            let folded = typed.map(foldedKey)
            if weights.adjacencyWeight > 0 {
                bonuses.append(AnalyzedClause(.should, .boosted(.phrase(label: label, field: leftField, keys: folded, slop: 0),
                                                                boost: weights.adjacencyWeight)))
            }
            if weights.exactAdjacencyWeight > 0, typed != folded {
                bonuses.append(AnalyzedClause(.should, .boosted(.phrase(label: label, field: leftField, keys: typed, slop: 0),
                                                                boost: weights.exactAdjacencyWeight)))
            }
        }
        return bonuses
    }

    /// The folded key of term bytes (already folded, exact → folded, anything else unchanged).
    private func foldedKey(_ key: [UInt8]) -> [UInt8] {
        let (text, kind) = TermKeys.describe(key)
        return kind == "exact" ? TermKeys.folded(Self.fold(text)) : key
    }

    /// The folded key of an exact key, as analysis computes it.
    static func fold(_ exact: String) -> String {
        VietnameseAnalyzer().analyze(exact).tokens.first?.folded ?? exact
    }
}
