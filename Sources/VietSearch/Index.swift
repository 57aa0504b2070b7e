import VietSearchAnalysis
import VietSearchStorage

/// A VietSearch index: a directory of immutable segments plus a commit point, or an in-memory
/// equivalent. Open it, get a writer to add documents and commit, get searchers to query.
///
/// ```swift
/// let index = try Index.open(at: "/tmp/news")
/// let writer = try index.writer()
/// try writer.add(Document(id: "1", title: "Đảng viên", body: "Công tác giáo dục…"))
/// try writer.commit()
/// for hit in try index.searcher().search("dang vien") { print(hit.id, hit.score) }
/// ```
public final class Index: Sendable {
    let store: IndexStore
    /// The settings the index was opened with.
    public let configuration: IndexConfiguration

    private init(store: IndexStore, configuration: IndexConfiguration) {
        self.store = store
        self.configuration = configuration
    }

    /// Opens the index at `path`, creating an empty one if `createIfMissing` and nothing is there.
    public static func open(at path: String, createIfMissing: Bool = true,
                            configuration: IndexConfiguration = IndexConfiguration()) throws -> Index {
        try VietSearchError.mapping {
            Index(store: try IndexStore.openDirectory(at: path, createIfMissing: createIfMissing),
                  configuration: configuration)
        }
    }

    /// A new empty index held in memory (lost when released); for tests and ephemeral use.
    public static func inMemory(configuration: IndexConfiguration = IndexConfiguration()) -> Index {
        Index(store: IndexStore.inMemory(), configuration: configuration)
    }

    /// The directory of the index, nil for an in-memory index.
    public var path: String? { store.path }

    /// The writer: takes the index's writer lock until released (`close()` or deinit).
    /// Throws `.locked` while another writer (in this or another process) is open.
    public func writer() throws -> IndexWriter {
        try VietSearchError.mapping {
            let lock = try store.lockForWriting()
            do {
                return try IndexWriter(store: store, lock: lock, configuration: configuration)
            } catch {
                lock.release()
                throw error
            }
        }
    }

    /// A searcher over the newest commit. It is a snapshot: later commits do not change it.
    public func searcher() throws -> Searcher {
        try VietSearchError.mapping {
            Searcher(snapshot: try store.openSnapshot(), store: store)
        }
    }

    /// Analyses `text` as the index does (for `vietsearch analyze`).
    public static func analyze(_ text: String) -> [Token] {
        VietnameseAnalyzer().analyze(text).tokens
    }
}

/// What `check` verified.
public struct CheckReport: Sendable {
    /// The commit generation that was checked.
    public var generation: UInt64
    /// Live segments verified.
    public var segments: Int
    /// Documents in those segments.
    public var documents: Int
    /// Bytes of segment files whose checksums and structures were verified.
    public var bytesVerified: Int
}

/// Counts and sizes of an index.
public struct IndexStatistics: Sendable {
    /// The newest commit generation (0 if the index never committed).
    public var generation: UInt64
    /// Live (not deleted) documents in the newest commit.
    public var documents: Int
    /// Live segments in the newest commit.
    public var segments: Int
    /// Distinct terms per field, summed over segments (a term in two segments counts twice).
    public var termsPerField: [String: Int]
    /// Bytes per component: "termDictionary", "postings", "positions", "fieldLengths", "storedFields",
    /// "other" (headers, footers, tables), "manifest".
    public var bytesPerComponent: [String: Int]
    /// Sum of `bytesPerComponent`.
    public var totalBytes: Int
    /// Deleted documents still held by segments (until merges drop them).
    public var deletedDocuments: Int = 0
    /// The live segments in manifest order, with their deleted counts and deletes generations.
    public var segmentDetails: [SegmentStatistics] = []
}
