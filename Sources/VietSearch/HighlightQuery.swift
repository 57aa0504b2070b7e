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
    /// Clauses standing for the same words of the query (one label, e.g. `đang` and its compatible
    /// spellings `đảng`, `đáng` under `.vietnamese` scoring) share a group and count once.
    var group: Int
    /// A folded look-alike (a clause weighted below 1, or the folded form of a word typed with marks): marked
    /// only when no other clause of its group occurs in the document, so a hit found that way shows why.
    var isFallback: Bool

    var isPhrase: Bool { keys.count > 1 }

    func applies(to field: String, defaultFields: Set<String>) -> Bool {
        self.field.map { $0 == field } ?? defaultFields.contains(field)
    }
}

/// The clauses of an analysed query that a snippet highlights: every term, phrase and prefix that is not
/// under a `-`/NOT clause, with the keys the query matched. Given the query as run (after `.vietnamese`
/// expansion), that includes compatible spellings, decoded typing residue and adjacency phrases; clauses
/// boosted below 1 (folded look-alikes) become fallbacks. A clause typed with marks also gets its folded
/// form as a fallback, so `.bm25` hits found through another word still show their near matches.
/// Clauses on the raw `id` field are skipped: it is not a text field.
struct HighlightQuery: Sendable {
    private(set) var clauses: [HighlightClause] = []
    private var groups: [String: Int] = [:]
    private var signatures = Set<[UInt8]>()

    /// Folded keys the user typed (bare ASCII words): any other folded key is a look-alike (fallback).
    private let typedFolded: Set<[UInt8]>

    /// `query` is the query as run; `typed` its plain analysis (before expansion), when they differ.
    init(_ query: AnalyzedQuery, typed: AnalyzedQuery? = nil) {
        var folded = Set<[UInt8]>()
        Self.foldedKeys(in: typed ?? query, into: &folded)
        typedFolded = folded
        collect(query, fallback: false)
    }

    private static func foldedKeys(in query: AnalyzedQuery, into set: inout Set<[UInt8]>) {
        switch query {
        case .term(_, _, let key), .prefix(_, _, let key):
            if key.first == TermKeys.foldedMarker { set.insert(Array(key.dropFirst())) }
        case .phrase(_, _, let keys, _):
            for key in keys where key.first == TermKeys.foldedMarker { set.insert(Array(key.dropFirst())) }
        case .boolean(let clauses):
            for clause in clauses { foldedKeys(in: clause.query, into: &set) }
        case .boosted(let inner, _):
            foldedKeys(in: inner, into: &set)
        case .nothing:
            break
        }
    }

    /// Number of distinct groups (clauses count once per group).
    var groupCount: Int { groups.count }

    /// Field names that clauses name explicitly (`title:…`), in query order.
    var namedFields: [String] {
        var seen = Set<String>()
        return clauses.compactMap(\.field).filter { seen.insert($0).inserted }
    }

    private mutating func collect(_ query: AnalyzedQuery, fallback: Bool) {
        switch query {
        case .term(let label, let field, let key):
            add(label: label, field: field, terms: [key], slop: 0, isPrefix: false, fallback: fallback)
        case .phrase(let label, let field, let keys, let slop):
            add(label: label, field: field, terms: keys, slop: slop, isPrefix: false, fallback: fallback)
        case .prefix(let label, let field, let prefix):
            add(label: label, field: field, terms: [prefix], slop: 0, isPrefix: true, fallback: fallback)
        case .boolean(let clauses):
            for clause in clauses where clause.occur != .mustNot { collect(clause.query, fallback: fallback) }
        case .boosted(let inner, let boost):
            collect(inner, fallback: fallback || boost < 1)
        case .nothing:
            break
        }
    }

    private mutating func add(label: String, field: String?, terms: [[UInt8]], slop: Int, isPrefix: Bool,
                              fallback: Bool) {
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
        let fallback = fallback || keys.contains { $0.folded && !typedFolded.contains($0.bytes) }
        let group: Int
        if let known = groups[label] {
            group = known
        } else {
            group = groups.count
            groups[label] = group
        }
        append(HighlightClause(field: field, keys: keys, slop: slop, group: group, isFallback: fallback))
        if !fallback, let folded = Self.folded(keys) {
            append(HighlightClause(field: field, keys: folded, slop: slop, group: group, isFallback: true))
        }
    }

    /// Appends `clause` unless the same clause is already there (expansion and folding can both give it).
    private mutating func append(_ clause: HighlightClause) {
        var signature: [UInt8] = Array((clause.field ?? "").utf8) + [0, clause.isFallback ? 1 : 0, UInt8(clamping: clause.slop)]
        for key in clause.keys { signature += [0, key.folded ? 1 : 0, key.isPrefix ? 1 : 0] + key.bytes }
        if signatures.insert(signature).inserted { clauses.append(clause) }
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
