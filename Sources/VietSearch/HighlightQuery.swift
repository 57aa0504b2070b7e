import VietSearchAnalysis
import VietSearchQuery

/// One key a document token can match: its exact or folded key, whole or as a prefix
/// (`SnippetField.matches`).
struct HighlightKey: Sendable, Equatable {
    var folded: Bool
    /// The key text's UTF-8 bytes, without the term marker byte.
    var bytes: [UInt8]
    var isPrefix: Bool
}

/// A positive leaf of the query (term, phrase or prefix) as snippets match it.
struct HighlightClause: Sendable {
    /// nil: the default fields.
    var field: String?
    /// Keys in order; one for a term or prefix, several for a phrase.
    var keys: [HighlightKey]
    /// Total extra gap allowed between phrase keys (as `PhraseScorer`).
    var slop: Int
    /// The same keys folded, for a clause typed with marks: used only when the document has no exact
    /// occurrence of the clause, so a hit found through its folded keys still shows why it matched.
    var weakKeys: [HighlightKey]?

    var isPhrase: Bool { keys.count > 1 }

    func applies(to field: String, defaultFields: Set<String>) -> Bool {
        self.field.map { $0 == field } ?? defaultFields.contains(field)
    }
}

/// The clauses of an analysed query that a snippet highlights: every term, phrase and prefix that is not
/// under a `-`/NOT clause, with the keys the query itself matches (`TermKeys`: exact for tokens typed
/// with marks, folded for bare ASCII). Clauses on the raw `id` field are skipped: it is not a text field.
struct HighlightQuery: Sendable {
    private(set) var clauses: [HighlightClause] = []

    init(_ query: AnalyzedQuery) {
        collect(query)
    }

    /// Field names that clauses name explicitly (`title:…`), in query order.
    var namedFields: [String] {
        var seen = Set<String>()
        return clauses.compactMap(\.field).filter { seen.insert($0).inserted }
    }

    /// Walks `QueryAnalyzer`'s output (not a scoring expansion of it, which only adds weighted copies of the
    /// same keys). `if case` rather than `switch`, so a case added to `AnalyzedQuery` for scoring (a boost
    /// wrapper) does not break this walk: only terms, phrases, prefixes and booleans carry text to mark.
    private mutating func collect(_ query: AnalyzedQuery) {
        if case .term(_, let field, let key) = query {
            add(field: field, terms: [key], slop: 0, isPrefix: false)
        } else if case .phrase(_, let field, let keys, let slop) = query {
            add(field: field, terms: keys, slop: slop, isPrefix: false)
        } else if case .prefix(_, let field, let prefix) = query {
            add(field: field, terms: [prefix], slop: 0, isPrefix: true)
        } else if case .boolean(let clauses) = query {
            for clause in clauses where clause.occur != .mustNot { collect(clause.query) }
        }
    }

    private mutating func add(field: String?, terms: [[UInt8]], slop: Int, isPrefix: Bool) {
        guard field != TermKeys.idField else { return }
        var keys: [HighlightKey] = []
        for term in terms {
            guard let marker = term.first, marker == TermKeys.exactMarker || marker == TermKeys.foldedMarker else {
                return
            }
            keys.append(HighlightKey(folded: marker == TermKeys.foldedMarker, bytes: Array(term.dropFirst()),
                                     isPrefix: isPrefix))
        }
        guard !keys.isEmpty else { return }
        clauses.append(HighlightClause(field: field, keys: keys, slop: slop, weakKeys: Self.folded(keys)))
    }

    /// The folded form of exact keys (folding the exact key's text with the analyser), or nil when every
    /// key is already folded or a key does not fold to a single token.
    private static func folded(_ keys: [HighlightKey]) -> [HighlightKey]? {
        guard keys.contains(where: { !$0.folded }) else { return nil }
        let analyzer = VietnameseAnalyzer()
        var result: [HighlightKey] = []
        for key in keys {
            if key.folded {
                result.append(key)
                continue
            }
            let tokens = analyzer.analyze(String(decoding: key.bytes, as: UTF8.self)).tokens
            guard let token = tokens.first(where: { $0.isJoinedForm }) ?? (tokens.count == 1 ? tokens.first : nil)
            else { return nil }
            result.append(HighlightKey(folded: true, bytes: Array(token.folded.utf8), isPrefix: key.isPrefix))
        }
        return result
    }
}
