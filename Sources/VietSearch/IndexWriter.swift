/// Adds documents to an index. Documents are buffered in memory and flushed as segments when the
/// buffer passes the memory budget; nothing is visible to searchers until `commit()`.
/// Holds the index's writer lock until `close()` (or deinit).
public final class IndexWriter {
    /// Buffers `document`. Throws `.duplicateID` if its id is already committed or added in this batch,
    /// `.invalidInput` for an empty id or a bad field name.
    public func add(_ document: Document) throws {}

    /// Flushes the buffer and atomically publishes every segment written since the last commit.
    public func commit() throws {}

    /// Discards everything added since the last commit (and deletes its segment files).
    public func rollback() throws {}

    /// Rolls back uncommitted work and releases the lock.
    public func close() {}

    /// Segments flushed since the last commit (for progress reporting).
    public var pendingSegments: Int { 0 }
    /// Documents added since the last commit.
    public var pendingDocuments: Int { 0 }
}
