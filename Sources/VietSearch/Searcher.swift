import VietSearchQuery
import VietSearchStorage

/// A read-only snapshot of one commit: it sees exactly that commit (documents, deletions, statistics)
/// while writers add, delete, merge and commit. Immutable, so safe to share across threads and tasks;
/// its files stay mapped, and leased against garbage collection, until it is released.
/// `refreshed()` gives a searcher on the newest commit.
public final class Searcher: Sendable {
    private let snapshot: StoreSnapshot
    private let store: IndexStore
    private let engine: QueryEngine

    init(snapshot: StoreSnapshot, store: IndexStore) {
        self.snapshot = snapshot
        self.store = store
        engine = QueryEngine(segments: snapshot.segments)
    }

    private var manifest: Manifest { snapshot.manifest }

    /// A searcher on the newest commit, or this one when nothing was committed since it was opened.
    public func refreshed() throws -> Searcher {
        try VietSearchError.mapping {
            let newest = try store.openSnapshot()
            return newest.generation == generation ? self : Searcher(snapshot: newest, store: store)
        }
    }

    /// Live (not deleted) documents in this snapshot.
    public var documentCount: Int { snapshot.liveDocumentCount }
    /// The commit generation this snapshot reads.
    public var generation: UInt64 { manifest.generation }

    /// Runs `query` (README "Query syntax") and returns the top `options.limit` hits.
    /// Throws `.queryParse` with a column for a malformed query, `.invalidArgument` for bad options.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        try VietSearchError.mapping {
            let result = try engine.search(query, options: try options.validated())
            let snippets = try SnippetGenerator(query: query, analyzed: result.query, options: options)
            // Ids and scores only (`--fields id`, the shared harness): ids read from the id column, which has
            // them uncompressed; told apart without building the sets below (a few thousand instructions).
            if snippets == nil && !options.explain,
               let only = options.fieldsToLoad, only.allSatisfy({ $0 == DocumentEncoder.idField }) {
                return try SearchResults(result, hits: Self.idOnlyHits(result.hits, segments: engine.segments))
            }
            // Snippet fields are decoded too; `SearchHit.fields` still lists only the fields asked for.
            let wanted = options.fieldsToLoad.map {
                $0.union([DocumentEncoder.idField]).union(snippets?.fieldNames ?? [])
            }
            // Only the id wanted: the id column has it uncompressed (no zstd frame decompressed).
            let idOnly = wanted == [DocumentEncoder.idField]
            let hits = try result.hits.map { hit -> SearchHit in
                let segment = engine.segments[hit.segment]
                let stored = idOnly
                    ? [StoredField(name: DocumentEncoder.idField, value: try segment.storedID(doc: hit.doc))]
                    : try wanted.map { try segment.storedFields(doc: hit.doc, only: $0) } ?? segment.storedFields(doc: hit.doc)
                let explanation = hit.explanation.map { components in
                    Explanation(components: components.map(ScoreComponent.init), score: hit.score)
                }
                let shown = stored.filter {
                    $0.name != DocumentEncoder.idField && (options.fieldsToLoad?.contains($0.name) ?? true)
                }
                var result = SearchHit(id: Self.id(of: stored), score: hit.score,
                                       fields: shown.map { ($0.name, $0.value) }, explanation: explanation)
                if let snippets { result.snippets = snippets.snippets(for: stored.map { ($0.name, $0.value) }) }
                return result
            }
            return SearchResults(result, hits: hits)
        }
    }

    /// The stored document with `id`, if present.
    public func document(id: String) throws -> Document? {
        try VietSearchError.mapping {
            let term = Array(id.utf8)
            for segment in engine.segments {
                guard let field = segment.fieldNumber(named: DocumentEncoder.idField),
                      let info = try segment.termInfo(field: field, term: term) else { continue }
                var cursor = try segment.postings(info)
                let doc = try cursor.nextDoc()
                guard doc != PostingsCursor.noMoreDocs else { continue }
                let stored = try segment.storedFields(doc: doc)
                return Document(id: Self.id(of: stored),
                                fields: stored.filter { $0.name != DocumentEncoder.idField }.map { ($0.name, $0.value) })
            }
            return nil
        }
    }

    /// Hits with their ids alone, read from the id column. A plain loop over the segments' buffer: `map`
    /// through `engine` retained and released the segments and the reader on every hit (~60 instructions a
    /// hit of the ~500 an id-only hit cost at top-100, callgrind).
    private static func idOnlyHits(_ hits: [QueryHit], segments: [SegmentReader]) throws -> [SearchHit] {
        var found: [SearchHit] = []
        found.reserveCapacity(hits.count)
        try segments.withUnsafeBufferPointer { segments in
            for hit in hits {
                found.append(SearchHit(id: try segments[hit.segment].storedID(doc: hit.doc), score: hit.score,
                                       fields: [], explanation: nil))
            }
        }
        return found
    }

    /// The id is stored first; documents always have it, but bytes can be damaged.
    private static func id(of stored: [StoredField]) -> String {
        stored.first { $0.name == DocumentEncoder.idField }?.value ?? ""
    }
}

extension SearchResults {
    init(_ result: QueryResult, hits: [SearchHit]) {
        self.init(totalHits: result.totalHits, hits: hits, suggestion: result.suggestion)
        totalHitsIsExact = result.totalHitsIsExact
    }
}

extension ScoreComponent {
    init(_ contribution: ScoreContribution) {
        self.init(clause: contribution.clause, field: contribution.field, key: contribution.key,
                  keyKind: contribution.keyKind, boost: contribution.boost, idf: contribution.idf,
                  tf: contribution.tf, dl: contribution.dl, avgdl: contribution.avgdl, k1: contribution.k1,
                  b: contribution.b, score: contribution.score)
    }
}
