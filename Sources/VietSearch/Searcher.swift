/// A read-only snapshot of one commit. Safe to share across threads and tasks; stays valid
/// (its files stay mapped) while writers commit.
public final class Searcher: Sendable {
    /// Documents in this snapshot.
    public var documentCount: Int { 0 }
    /// The commit generation this snapshot reads.
    public var generation: UInt64 { 0 }

    /// Runs `query` (README "Query syntax") and returns the top `options.limit` hits.
    /// Throws `.queryParse` with a column for a malformed query.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        SearchResults(totalHits: 0, hits: [])
    }

    /// The stored document with `id`, if present.
    public func document(id: String) throws -> Document? { nil }
}
