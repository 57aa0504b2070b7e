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
    /// Opens the index at `path`, creating an empty one if `createIfMissing` and nothing is there.
    public static func open(at path: String, createIfMissing: Bool = true,
                            configuration: IndexConfiguration = IndexConfiguration()) throws -> Index {
        throw VietSearchError.notAnIndex(path: path)
    }

    /// A new empty index held in memory (lost when released); for tests and ephemeral use.
    public static func inMemory(configuration: IndexConfiguration = IndexConfiguration()) -> Index {
        Index()
    }

    /// The writer: takes the index's writer lock until released (`close()` or deinit).
    public func writer() throws -> IndexWriter {
        throw VietSearchError.io(path: "", message: "unimplemented")
    }

    /// A searcher over the newest commit. It is a snapshot: later commits do not change it.
    public func searcher() throws -> Searcher {
        throw VietSearchError.io(path: "", message: "unimplemented")
    }

    /// Verifies every checksum and structure; throws the first problem found.
    public func check() throws -> CheckReport {
        throw VietSearchError.io(path: "", message: "unimplemented")
    }

    /// Counts and sizes, for `vietsearch stats`.
    public func statistics() throws -> IndexStatistics {
        throw VietSearchError.io(path: "", message: "unimplemented")
    }

    /// Analyses `text` as the index does (for `vietsearch analyze`).
    public static func analyze(_ text: String) -> [Token] {
        VietnameseAnalyzer().analyze(text).tokens
    }
}

/// What `check` verified.
public struct CheckReport: Sendable {
    public var generation: UInt64
    public var segments: Int
    public var documents: Int
    public var bytesVerified: Int
}

/// Counts and sizes of an index.
public struct IndexStatistics: Sendable {
    public var generation: UInt64
    public var documents: Int
    public var segments: Int
    /// Distinct terms per field, summed over segments (a term in two segments counts twice).
    public var termsPerField: [String: Int]
    /// Bytes per component: "termDictionary", "postings", "positions", "fieldLengths", "storedFields",
    /// "other" (headers, footers, tables), "manifest".
    public var bytesPerComponent: [String: Int]
    public var totalBytes: Int
}
