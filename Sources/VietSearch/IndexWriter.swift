import VietSearchStorage

/// Adds documents to an index. Documents are buffered in memory and flushed as segments when the
/// buffer passes the memory budget; nothing is visible to searchers until `commit()`.
/// Holds the index's writer lock until `close()` (or deinit). Use it from one thread at a time.
public final class IndexWriter {
    private let store: IndexStore
    private let configuration: IndexConfiguration
    private var lock: WriterLock?
    private let encoder = DocumentEncoder()
    /// The last commit this writer knows (it holds the lock, so nobody else commits meanwhile).
    private var committed: Manifest
    /// Committed segments, for duplicate-id lookups.
    private var committedSegments: [SegmentReader]
    private var builder = SegmentBuilder()
    /// Segments written since the last commit, not yet live, opened for duplicate-id lookups.
    private var flushed: [SegmentReader] = []
    /// Ids in the in-memory buffer only: flushed ones are looked up in their segments, so memory stays
    /// bounded by the budget however many documents one commit holds.
    private var bufferedIDs = Set<String>()
    private var uncommittedDocuments = 0

    init(store: IndexStore, lock: WriterLock, configuration: IndexConfiguration) throws {
        self.store = store
        self.lock = lock
        self.configuration = configuration
        committed = try store.readManifest()
        committedSegments = try committed.segments.map { try store.openSegment($0) }
    }

    deinit {
        close()
    }

    /// Buffers `document`. Throws `.duplicateID` if its id is already committed or added in this batch,
    /// `.invalidInput` for an empty id or a bad field name (empty, repeated, or "id").
    public func add(_ document: Document) throws {
        try VietSearchError.mapping {
            try ensureOpen()
            try encoder.validate(document)
            if try bufferedIDs.contains(document.id) || isInSegments(document.id) {
                throw VietSearchError.duplicateID(id: document.id, source: "document", line: 0)
            }
            let postings = try encoder.encode(document, into: builder)
            try builder.add(postings)
            bufferedIDs.insert(document.id)
            uncommittedDocuments += 1
            if builder.estimatedMemoryBytes >= configuration.memoryBudget {
                try flush()
            }
        }
    }

    /// Flushes the buffer and atomically publishes every segment written since the last commit
    /// (a new generation). If it fails, the previous commit stays intact and the uncommitted
    /// documents are discarded, as by `rollback()`.
    public func commit() throws {
        try VietSearchError.mapping {
            try ensureOpen()
            let manifest: Manifest
            do {
                if builder.documentCount > 0 { try flush() }
                manifest = Manifest(generation: committed.generation + 1,
                                    segments: committed.segments + flushed.map(\.meta))
                try store.commit(manifest)
            } catch {
                discardUncommitted()
                throw error
            }
            // Durable from here on: never clean up against the old manifest again.
            committed = manifest
            committedSegments += flushed
            resetBatch()
        }
    }

    /// Discards everything added since the last commit (and deletes its segment files).
    public func rollback() throws {
        try VietSearchError.mapping {
            try ensureOpen()
            resetBatch()
            try store.removeUnreferencedFiles(keeping: committed)
        }
    }

    /// Rolls back uncommitted work and releases the lock. Safe to call more than once.
    public func close() {
        guard let lock else { return }
        if pendingDocuments > 0 || !flushed.isEmpty { discardUncommitted() }
        lock.release()
        self.lock = nil
    }

    /// Segments flushed since the last commit (for progress reporting).
    public var pendingSegments: Int { flushed.count }
    /// Documents added since the last commit.
    public var pendingDocuments: Int { uncommittedDocuments }

    // MARK: Private

    private func ensureOpen() throws {
        guard lock != nil else { throw VietSearchError.invalidArgument("the index writer is closed") }
    }

    /// Whether a committed or flushed segment has the id.
    private func isInSegments(_ id: String) throws -> Bool {
        let term = Array(id.utf8)
        func has(_ segment: SegmentReader) throws -> Bool {
            guard let field = segment.fieldNumber(named: DocumentEncoder.idField) else { return false }
            return try segment.termInfo(field: field, term: term) != nil
        }
        for segment in committedSegments where try has(segment) { return true }
        for segment in flushed where try has(segment) { return true }
        return false
    }

    private func flush() throws {
        flushed.append(try store.openSegment(try store.writeSegment(builder)))
        builder = SegmentBuilder()
        bufferedIDs = []
    }

    private func resetBatch() {
        builder = SegmentBuilder()
        flushed = []
        bufferedIDs = []
        uncommittedDocuments = 0
    }

    /// Best effort: the files are unreferenced, so a failure to delete them loses nothing.
    private func discardUncommitted() {
        resetBatch()
        try? store.removeUnreferencedFiles(keeping: committed)
    }
}
