/// Hard limits that keep any query string to bounded work.
package enum QueryLimits {
    /// Longest accepted query, in characters.
    package static let maxQueryLength = 10_000
    /// Most clauses (words, phrases, prefixes and groups) in one query.
    package static let maxClauses = 1_024
    /// Deepest parenthesis nesting.
    package static let maxNesting = 32
    /// Most keys a prefix expands to, per field: the first ones in byte order of the union over segments.
    package static let maxPrefixExpansion = 256
    /// Most (field, key) pairs all the prefix clauses of one query may expand to together
    /// (16 prefixes that each fill two fields), so many prefixes cannot multiply into unbounded work.
    package static let maxExpandedKeysPerQuery = 8_192
    /// Largest phrase slop.
    package static let maxSlop = 10_000
}
