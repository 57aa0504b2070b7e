/// How a clause takes part in a boolean query (Lucene's `BooleanClause.Occur`).
package enum Occur: Sendable, Equatable {
    /// The document must match the clause; its score counts.
    case must
    /// Optional; its score counts when it matches. With no `must` clause, at least one `should` must match.
    case should
    /// The document must not match the clause.
    case mustNot
}

/// A parsed query before analysis: the words are still raw text as the user typed them.
/// `field` is nil for clauses that search the default fields.
package indirect enum QueryNode: Sendable, Equatable {
    /// A bare word, e.g. `dang`, `title:Hà`, `TP.HCM`.
    case term(field: String?, text: String)
    /// A quoted phrase; `slop` is the total extra gap allowed between its words (0 = exact adjacency).
    case phrase(field: String?, text: String, slop: Int)
    /// A word ending in `*`; `text` is the part before the star.
    case prefix(field: String?, text: String)
    /// Clauses combined with Lucene BooleanQuery semantics.
    case boolean([QueryClause])
}

/// One clause of a boolean query.
package struct QueryClause: Sendable, Equatable {
    package var occur: Occur
    package var node: QueryNode

    package init(_ occur: Occur, _ node: QueryNode) {
        self.occur = occur
        self.node = node
    }
}

extension QueryNode: CustomStringConvertible {
    /// A canonical rendering (Lucene's `+a -b c` style), used in explanations and tests.
    package var description: String {
        switch self {
        case .term(let field, let text):
            return QueryNode.fieldPrefix(field) + text
        case .phrase(let field, let text, let slop):
            return QueryNode.fieldPrefix(field) + "\"" + text + "\"" + (slop > 0 ? "~\(slop)" : "")
        case .prefix(let field, let text):
            return QueryNode.fieldPrefix(field) + text + "*"
        case .boolean(let clauses):
            let parts = clauses.map { clause -> String in
                let marker: String
                switch clause.occur {
                case .must: marker = "+"
                case .mustNot: marker = "-"
                case .should: marker = ""
                }
                if case .boolean = clause.node { return marker + "(" + clause.node.description + ")" }
                return marker + clause.node.description
            }
            return parts.joined(separator: " ")
        }
    }

    private static func fieldPrefix(_ field: String?) -> String {
        field.map { $0 + ":" } ?? ""
    }
}
