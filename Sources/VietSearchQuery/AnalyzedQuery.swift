/// A query after analysis: every word has become term bytes (see `TermKeys`). `label` is the clause
/// as the user wrote it, shown in explanations.
package indirect enum AnalyzedQuery: Sendable, Equatable {
    case term(label: String, field: String?, key: [UInt8])
    /// Two or more keys that must appear in order; `slop` = total extra gap allowed.
    case phrase(label: String, field: String?, keys: [[UInt8]], slop: Int)
    /// Every key of the field starting with `prefix` (bounded by `QueryLimits.maxPrefixExpansion`).
    case prefix(label: String, field: String?, prefix: [UInt8])
    case boolean([AnalyzedClause])
    /// The inner query with every boost multiplied by `boost` (`.vietnamese` scoring's weights).
    case boosted(AnalyzedQuery, boost: Double)
    /// A clause that analysis emptied (punctuation only); it matches nothing and is dropped from booleans.
    case nothing
}

package struct AnalyzedClause: Sendable, Equatable {
    package var occur: Occur
    package var query: AnalyzedQuery

    package init(_ occur: Occur, _ query: AnalyzedQuery) {
        self.occur = occur
        self.query = query
    }
}
