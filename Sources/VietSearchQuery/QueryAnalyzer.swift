import VietSearchAnalysis

/// Turns parsed words into keys exactly as documents are analysed.
///
/// - A bare word: if analysis yields a joined abbreviation form (`TP.HCM` → `tphcm`), that form alone;
///   one token → a term; several (`23điểm`) → an exact phrase of them; none → dropped.
/// - A phrase: its non-joined tokens in order (one token → a term).
/// - A prefix `stem*`: the stem's single token (or joined form) as a key prefix — its exact key when the
///   stem has a non-ASCII letter, else its folded key. A stem that splits into several plain tokens is
///   searched as a phrase of them (the star is ignored).
/// - A clause on the reserved field `id` (`id:abc`, `id:"a b"`, `id:man/*`) is not analysed: the document
///   id is indexed as its raw bytes.
package struct QueryAnalyzer: Sendable {
    private let analyzer = VietnameseAnalyzer()

    package init() {}

    package func analyze(_ node: QueryNode) -> AnalyzedQuery {
        switch node {
        case .term(TermKeys.idField, let text), .phrase(TermKeys.idField, let text, _):
            return .term(label: node.description, field: TermKeys.idField, key: Array(text.utf8))
        case .prefix(TermKeys.idField, let text):
            return .prefix(label: node.description, field: TermKeys.idField, prefix: Array(text.utf8))
        case .term(let field, let text):
            return word(text, field: field, label: node.description)
        case .phrase(let field, let text, let slop):
            let tokens = analyzer.analyze(text).tokens.filter { !$0.isJoinedForm }
            return sequence(tokens, field: field, slop: slop, label: node.description)
        case .prefix(let field, let text):
            let tokens = analyzer.analyze(text).tokens
            if let joined = tokens.first(where: { $0.isJoinedForm }) {
                return .prefix(label: node.description, field: field, prefix: TermKeys.queryKey(joined))
            }
            if tokens.count == 1 {
                return .prefix(label: node.description, field: field, prefix: TermKeys.queryKey(tokens[0]))
            }
            return sequence(tokens, field: field, slop: 0, label: node.description)
        case .boolean(let clauses):
            // A loop into a reserved array: `compactMap` grew its result once per clause (~300 instructions each).
            var kept: [AnalyzedClause] = []
            kept.reserveCapacity(clauses.count)
            for clause in clauses {
                let query = analyze(clause.node)
                if case .nothing = query { continue }
                kept.append(AnalyzedClause(clause.occur, query))
            }
            return kept.isEmpty ? .nothing : .boolean(kept)
        }
    }

    private func word(_ text: String, field: String?, label: String) -> AnalyzedQuery {
        // Most query words are one plain syllable: its single token without the general pipeline (the
        // token `analyze` gives, see `wholeWordToken`; no joined form).
        if let token = analyzer.wholeWordToken(text) {
            return .term(label: label, field: field, key: TermKeys.queryKey(token))
        }
        let tokens = analyzer.analyze(text).tokens
        if let joined = tokens.first(where: { $0.isJoinedForm }) {
            return .term(label: label, field: field, key: TermKeys.queryKey(joined))
        }
        return sequence(tokens, field: field, slop: 0, label: label)
    }

    private func sequence(_ tokens: [Token], field: String?, slop: Int, label: String) -> AnalyzedQuery {
        switch tokens.count {
        case 0: return .nothing
        case 1: return .term(label: label, field: field, key: TermKeys.queryKey(tokens[0]))
        default: return .phrase(label: label, field: field, keys: tokens.map(TermKeys.queryKey), slop: slop)
        }
    }
}
