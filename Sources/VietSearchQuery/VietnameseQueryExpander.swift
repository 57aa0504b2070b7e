import VietSearchAnalysis

/// Rewrites an analysed query for `.vietnamese` scoring (README "Ranking"); the result is scored with
/// plain BM25 components, so explanations show every part:
///
/// - A token typed with marks matches every exact key of the index that keeps all its marks (`bản` →
///   `bản`; a partial `đang` → `đang`, `đảng`, `đáng`…), plus its folded key boosted by `w < 1`:
///   `BM25(exact) + w · BM25(folded)`. A bare ASCII token matches its folded key (as in `.bm25`).
/// - A quoted phrase with marks also matches its folded phrase, boosted by `w`.
/// - Two adjacent term clauses add optional phrase clauses: their keys as typed (each pair of compatible
///   spellings) boosted by `a = adjacencyWeight`, and their folded phrase boosted by `a · w` when a word has
///   marks, so `dang vien` ranks documents with `đảng viên` first and `bản đồ` still prefers `bản đồ` to
///   `bán độ`. They are ordinary phrase clauses (a bound of their score allows top-k pruning).
/// - Typing-method residue (`ddangr`, `d9a3ng`): a token whose folded key has no postings is decoded by
///   `residueDecoder`; the decoded form is used when it is a known exact key of the index.
struct VietnameseQueryExpander {
    var weights: VietnameseWeights
    var vocabulary: IndexVocabulary
    /// Decodes Telex/VNI residue (`ddangr` → `đảng`), nil when the text is not residue.
    var residueDecoder: (String) -> String?
    private let analyzer = VietnameseAnalyzer()
    /// Each term's alternatives, computed once (terms are expanded and then paired for adjacency).
    private var alternativesCache: [[UInt8]: Alternatives] = [:]

    /// Most phrases one adjacent pair expands to (pairs of compatible spellings, most frequent first).
    static let maxPairPhrases = 9

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
            guard weights.foldedWeight > 0, keys.contains(where: { $0.first == TermKeys.exactMarker }) else { return query }
            let folded = keys.map(foldedKey)
            return .boolean([AnalyzedClause(.should, query),
                             AnalyzedClause(.should, .boosted(.phrase(label: label, field: field, keys: folded, slop: slop),
                                                              boost: weights.foldedWeight))])
        case .boolean(let clauses):
            // An excluded word excludes what it names (its compatible spellings), not every folded look-alike.
            var expanded = try clauses.map { clause in
                AnalyzedClause(clause.occur, clause.occur == .mustNot ? try expandExcluded(clause.query) : try expand(clause.query))
            }
            expanded += try adjacencyClauses(clauses)
            return .boolean(expanded)
        }
    }

    /// A MUST_NOT clause: a term becomes its compatible exact spellings (no folded key); the rest is kept.
    private mutating func expandExcluded(_ query: AnalyzedQuery) throws -> AnalyzedQuery {
        guard case .term(let label, let field, let key) = query, field != TermKeys.idField else { return query }
        let found = try alternatives(key)
        guard found.keys.count > 1 else { return .term(label: label, field: field, key: found.keys[0]) }
        return .boolean(found.keys.map { AnalyzedClause(.should, .term(label: label, field: field, key: $0)) })
    }

    /// The keys a term clause stands for: for a token typed with marks (or decoded from residue), its
    /// exact key and every other exact key of the index keeping all its marks; else its folded key alone.
    private struct Alternatives {
        var keys: [[UInt8]]
        var folded: [UInt8]
        var accented: Bool
    }

    private mutating func alternatives(_ key: [UInt8]) throws -> Alternatives {
        if let known = alternativesCache[key] { return known }
        let found = try findAlternatives(key)
        alternativesCache[key] = found
        return found
    }

    private mutating func findAlternatives(_ key: [UInt8]) throws -> Alternatives {
        let (text, kind) = TermKeys.describe(key)
        if kind == "exact" { return try accented(text) }
        guard kind == "folded", try vocabulary.documentFrequency(key) == 0,
              let decoded = residueDecoder(text),
              let token = analyzer.analyze(decoded).tokens.first, token.hasNonASCIILetter,
              try vocabulary.documentFrequency(TermKeys.exact(token.exact)) > 0 else {
            return Alternatives(keys: [key], folded: key, accented: false)
        }
        return try accented(token.exact)
    }

    private mutating func accented(_ exact: String) throws -> Alternatives {
        let folded = vocabulary.folded(exact)
        var keys = [TermKeys.exact(exact)]
        for spelling in try vocabulary.spellings(folded: folded, compatibleWith: exact, fold: Self.fold)
        where spelling.key != exact {
            keys.append(TermKeys.exact(spelling.key))
        }
        return Alternatives(keys: keys, folded: TermKeys.folded(folded), accented: true)
    }

    /// `BM25(compatible exact keys) + w · BM25(folded key)`; a bare token stays on its folded key.
    private mutating func expandTerm(label: String, field: String?, key: [UInt8]) throws -> AnalyzedQuery {
        let found = try alternatives(key)
        guard found.accented else { return .term(label: label, field: field, key: found.keys[0]) }
        var clauses = found.keys.map { AnalyzedClause(.should, .term(label: label, field: field, key: $0)) }
        // w = 0 drops the folded clause rather than scoring it as 0 (its postings are the longest).
        if weights.foldedWeight > 0 {
            clauses.append(AnalyzedClause(.should, .boosted(.term(label: label, field: field, key: found.folded),
                                                            boost: weights.foldedWeight)))
        }
        return clauses.count == 1 ? clauses[0].query : .boolean(clauses)
    }

    /// Phrase bonuses for each pair of adjacent term clauses that can both match (not MUST_NOT): the
    /// pair's keys as typed (pairs of compatible spellings) boosted by `a`, and, when a word has marks,
    /// the folded pair boosted by `a · w` (two levels again: exact pairs count more).
    private mutating func adjacencyClauses(_ clauses: [AnalyzedClause]) throws -> [AnalyzedClause] {
        guard weights.adjacencyWeight > 0 else { return [] }
        var bonuses: [AnalyzedClause] = []
        var previous: (label: String, field: String?, found: Alternatives)?
        for clause in clauses {
            guard clause.occur != .mustNot, case .term(let label, let field, let key) = clause.query,
                  field != TermKeys.idField else {
                previous = nil
                continue
            }
            let found = try alternatives(key)
            defer { previous = (label, field, found) }
            guard let left = previous, left.field == field else { continue }
            let pairLabel = left.label + " " + label
            var pairs: [[[UInt8]]] = []
            for first in left.found.keys {
                for second in found.keys where pairs.count < Self.maxPairPhrases { pairs.append([first, second]) }
            }
            for keys in pairs {
                bonuses.append(AnalyzedClause(.should, .boosted(.phrase(label: pairLabel, field: field, keys: keys, slop: 0),
                                                                boost: weights.adjacencyWeight)))
            }
            if left.found.accented || found.accented, weights.foldedWeight > 0 {
                let folded = [left.found.folded, found.folded]
                bonuses.append(AnalyzedClause(.should, .boosted(.phrase(label: pairLabel, field: field, keys: folded, slop: 0),
                                                                boost: weights.adjacencyWeight * weights.foldedWeight)))
            }
        }
        return bonuses
    }

    /// The folded key of term bytes (already folded, exact → folded, anything else unchanged).
    private func foldedKey(_ key: [UInt8]) -> [UInt8] {
        let (text, kind) = TermKeys.describe(key)
        return kind == "exact" ? TermKeys.folded(vocabulary.folded(text)) : key
    }

    /// The folded key of an exact key, as analysis computes it.
    static func fold(_ exact: String) -> String {
        VietnameseAnalyzer().analyze(exact).tokens.first?.folded ?? exact
    }
}
