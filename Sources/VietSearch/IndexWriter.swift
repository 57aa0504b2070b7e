import VietSearchStorage

/// Adds, replaces and deletes documents. Documents are buffered in memory and flushed as segments when
/// the buffer passes the memory budget; nothing (additions or deletions) is visible to searchers until
/// `commit()`, and `rollback()` discards it all. After each commit the writer merges segments as its
/// merge policy asks (`IndexConfiguration.mergePolicy`); `forceMerge(maxSegments:)` merges on demand.
/// Holds the index's writer lock until `close()` (or deinit). Use it from one thread at a time.
public final class IndexWriter {
    let store: IndexStore
    let configuration: IndexConfiguration
    private var lock: WriterLock?
    private let encoder = DocumentEncoder()
    /// The last commit this writer knows (it holds the lock, so nobody else commits meanwhile).
    var committed: Manifest
    /// Readers of the committed segments, with the committed deletes, in manifest order.
    var committedSegments: [SegmentReader]
    /// Buffered documents on their way into segments (one builder, or batches on worker threads).
    private let pipeline: IndexingPipeline
    /// Segments written since the last commit, not yet live (their own deletes are pending too).
    var flushed: [SegmentReader] = []
    /// Deletions since the last commit, by segment (committed or flushed): local doc ids.
    var pendingDeletes: [SegmentID: Set<UInt32>] = [:]
    /// Ids of buffered documents (not yet in a flushed segment) and their pipeline ordinals: flushed
    /// ones are looked up in their segments, so memory stays bounded by the budget however many
    /// documents one commit holds.
    private var bufferedIDs: [String: Int] = [:]
    /// Buffered documents deleted again before a flush (replaced or deleted in the same batch), by ordinal.
    private var bufferedDeletes = Set<Int>()
    /// Hashes of every id added since the last commit: an id not in it has no document in the flushed
    /// segments, so they are not searched (one dictionary lookup per flushed segment and added document
    /// grew with the batch, in time and in mapped pages touched). 16 bytes per document of the batch.
    private var batchIDHashes = Set<Int>()
    private var uncommittedDocuments = 0
    private var uncommittedDeletes = 0
    /// The fsync of the commit's last flush, started as soon as it was written (`install`).
    private var startedSync: StartedSegmentSync?

    init(store: IndexStore, lock: WriterLock, configuration: IndexConfiguration) throws {
        self.store = store
        self.lock = lock
        self.configuration = configuration
        pipeline = IndexingPipeline(plan: IndexingMemoryPlan(budget: configuration.memoryBudget, threads: configuration.threads))
        committed = try store.readManifest()
        committedSegments = try committed.segments.map { try store.openSegment($0) }
    }

    deinit {
        close()
    }

    /// Buffers `document`. Throws `.duplicateID` if a live document (committed or added in this batch)
    /// has its id (use `upsert` to replace it), `.invalidInput` for an empty id or a bad field name
    /// (empty, repeated, or "id").
    public func add(_ document: Document) throws {
        try VietSearchError.mapping {
            try ensureOpen()
            try encoder.validate(document)
            if try bufferedLiveDoc(document.id) != nil || !liveDocs(withID: document.id).isEmpty {
                throw VietSearchError.duplicateID(id: document.id, source: "document", line: 0)
            }
            try append(document)
        }
    }

    /// Adds `document`, replacing the live document with the same id if there is one (the old one is
    /// deleted in the same commit). Returns whether a document was replaced.
    @discardableResult
    public func upsert(_ document: Document) throws -> Bool {
        try VietSearchError.mapping {
            try ensureOpen()
            try encoder.validate(document)
            let replaced = try deleteLive(id: document.id)
            try append(document)
            return replaced
        }
    }

    /// Bulk-loader upsert (what `vietsearch index` does): replaces a document of the last commit with
    /// the same id, but throws `.duplicateID` if `document`'s id was already added in this batch (so a
    /// duplicate inside one input is still an error). Returns whether a committed document was replaced.
    @discardableResult
    public func addOrReplaceCommitted(_ document: Document) throws -> Bool {
        try VietSearchError.mapping {
            try ensureOpen()
            try encoder.validate(document)
            let term = Array(document.id.utf8)
            var addedInBatch = bufferedLiveDoc(document.id) != nil
            for segment in flushed where !addedInBatch && batchIDHashes.contains(document.id.hashValue) {
                addedInBatch = try !liveDocs(withID: term, in: segment).isEmpty
            }
            if addedInBatch { throw VietSearchError.duplicateID(id: document.id, source: "document", line: 0) }
            var replaced = false
            for segment in committedSegments {
                for doc in try liveDocs(withID: term, in: segment) where markDeleted(segment, doc) { replaced = true }
            }
            try append(document)
            return replaced
        }
    }

    /// Deletes the live document with `id` (committed or added in this batch), as of the next commit.
    /// Returns whether there was one.
    @discardableResult
    public func delete(id: String) throws -> Bool {
        try VietSearchError.mapping {
            try ensureOpen()
            return try deleteLive(id: id)
        }
    }

    /// Flushes the buffer and atomically publishes everything since the last commit as a new generation:
    /// new segments, and a deletes file for every segment that lost documents (a segment left with no
    /// live document is dropped). With a merge policy, the merges it would ask for right after the
    /// commit are done before publishing when they can be (see `segmentsToPublish`), so one commit
    /// publishes one generation; the rest run after it. Then removes files nobody needs.
    /// If publishing fails, the previous commit stays intact and the uncommitted work is discarded,
    /// as by `rollback()`.
    public func commit() throws {
        try VietSearchError.mapping {
            try ensureOpen()
            let manifest: Manifest
            var publishing: [SegmentReader] = []
            do {
                try flush(committing: true)
                // The merges are an optimisation: if one fails (disk full…), the batch is published
                // unmerged rather than lost, and the policy's merges after the commit report the error.
                publishing = (try? segmentsToPublish()) ?? committedSegments + flushed
                let generation = committed.generation + 1
                var segments: [SegmentMeta] = []
                // Flushes were written without fsync (`install`): the ones published as they are get it now.
                let unsynced = Set(flushed.map { $0.meta.id })
                for reader in publishing {
                    var meta = reader.meta
                    if unsynced.contains(meta.id) { try store.syncSegment(meta, started: startedSync) }
                    if let docs = pendingDeletes[meta.id], !docs.isEmpty {
                        meta = try store.writeDeletes(docs.sorted(), in: reader, generation: generation)
                    }
                    if meta.liveDocumentCount > 0 { segments.append(meta) }
                }
                manifest = Manifest(generation: generation, segments: segments)
                try store.commit(manifest)
            } catch {
                discardUncommitted()
                throw error
            }
            // Durable from here on: never clean up against the old manifest again.
            try adopt(manifest, reusing: publishing)
            resetBatch()
            try runMergePolicy()
            try? store.removeUnreferencedFiles(keeping: committed)
        }
    }

    /// Discards everything added or deleted since the last commit (and deletes its files).
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
        if hasPendingChanges { discardUncommitted() }
        lock.release()
        self.lock = nil
    }

    /// Segments flushed since the last commit (for progress reporting).
    public var pendingSegments: Int { flushed.count }
    /// Documents added since the last commit.
    public var pendingDocuments: Int { uncommittedDocuments }
    /// Documents deleted (or replaced) since the last commit.
    public var pendingDeletions: Int { uncommittedDeletes }
    /// The generation of the last commit this writer made or opened on.
    public var committedGeneration: UInt64 { committed.generation }

    var hasPendingChanges: Bool { uncommittedDocuments > 0 || uncommittedDeletes > 0 || !flushed.isEmpty }

    // MARK: Internals shared with IndexWriter+Lifecycle

    func ensureOpen() throws {
        guard lock != nil else { throw VietSearchError.invalidArgument("the index writer is closed") }
    }

    /// Makes `manifest` the committed state; readers whose entry did not change are kept.
    func adopt(_ manifest: Manifest, reusing readers: [SegmentReader]) throws {
        var byMeta: [SegmentMeta: SegmentReader] = [:]
        for reader in readers { byMeta[reader.meta] = reader }
        committedSegments = try manifest.segments.map { try byMeta[$0] ?? store.openSegment($0) }
        committed = manifest
    }

    /// Flushes every buffered document into new (uncommitted) segments. `committing`: the commit's own
    /// flush, whose segment is published as it is when it is the batch's only one (see `install`).
    func flush(committing: Bool = false) throws {
        do {
            try install(try pipeline.finish(), committing: committing)
        } catch let failure as IndexingPipeline.WorkerFailure {
            discardUncommitted()
            throw failure.error
        }
    }

    /// Writes produced segments (in order) and opens them; their deleted buffered docs become pending
    /// deletes. A failure discards the batch: some of its documents may be in no segment.
    private func install(_ produced: [IndexingPipeline.Produced], committing: Bool = false) throws {
        guard !produced.isEmpty else { return }
        // The commit's flush, when it is the batch's only segment: the commit publishes it as it is (it has
        // no flushed segment to merge with), so its fsync starts now and runs while the segment is opened
        // and its builder freed (the commit waits for it before the manifest). Only a merge policy merging
        // it with committed segments wastes it (a write-back the merge's deletion makes moot).
        let syncsAtOnce = committing && flushed.isEmpty && produced.count == 1
        do {
            for item in produced {
                // No fsync yet: most flushes are merged at the commit, which syncs only what it publishes.
                let meta = try store.writeSegment(item.segment, syncing: false, startingWriteback: syncsAtOnce)
                if syncsAtOnce { startedSync = try store.startSyncingSegment(meta) }
                let reader = try store.openSegment(meta)
                // Nothing reads a flushed segment before the commit (ids are filtered by hash first).
                reader.releaseResidentPages()
                flushed.append(reader)
                let deleted = bufferedDeletes.filter { item.ordinals.contains($0) }
                if !deleted.isEmpty {
                    pendingDeletes[reader.meta.id] = Set(deleted.map { UInt32($0 - item.ordinals.lowerBound) })
                    bufferedDeletes.subtract(deleted)
                }
            }
        } catch {
            discardUncommitted()
            throw error
        }
        let stillBuffered = produced[produced.count - 1].ordinals.upperBound
        bufferedIDs = bufferedIDs.filter { $0.value >= stillBuffered }
        if pipeline.plan.threads > 1 { FreedMemory.returnToSystem() }
    }

    /// Peak bytes the indexing pipeline accounted for (builders, batches, serialised segments).
    var peakTrackedIndexingBytes: Int { pipeline.peakTrackedBytes }
    /// The memory plan as calibrated so far.
    var indexingPlan: IndexingMemoryPlan { pipeline.plan }

    /// Marks (segment, doc) deleted as of the next commit; false if it already was.
    func markDeleted(_ segment: SegmentReader, _ doc: UInt32) -> Bool {
        guard !segment.isDeleted(doc), pendingDeletes[segment.meta.id, default: []].insert(doc).inserted else { return false }
        uncommittedDeletes += 1
        return true
    }

    // MARK: Private

    private func append(_ document: Document) throws {
        let ordinal = pipeline.nextOrdinal
        let ready: [IndexingPipeline.Produced]
        do {
            ready = try pipeline.add(document)
        } catch let failure as IndexingPipeline.WorkerFailure {
            // The batch it belonged to is gone: nothing of this batch can be committed.
            discardUncommitted()
            throw failure.error
        }
        bufferedIDs[document.id] = ordinal
        batchIDHashes.insert(document.id.hashValue)
        uncommittedDocuments += 1
        try install(ready)
    }

    private func bufferedLiveDoc(_ id: String) -> Int? {
        guard let doc = bufferedIDs[id], !bufferedDeletes.contains(doc) else { return nil }
        return doc
    }

    private func deleteLive(id: String) throws -> Bool {
        var deleted = false
        if let doc = bufferedLiveDoc(id) {
            bufferedDeletes.insert(doc)
            uncommittedDeletes += 1
            deleted = true
        }
        for (segment, doc) in try liveDocs(withID: id) where markDeleted(segment, doc) { deleted = true }
        return deleted
    }

    /// Live documents with `id` in committed and flushed segments (pending deletes excluded).
    private func liveDocs(withID id: String) throws -> [(SegmentReader, UInt32)] {
        let term = Array(id.utf8)
        var found: [(SegmentReader, UInt32)] = []
        let searchFlushed = batchIDHashes.contains(id.hashValue)
        for segment in committedSegments + (searchFlushed ? flushed : []) {
            for doc in try liveDocs(withID: term, in: segment) { found.append((segment, doc)) }
        }
        return found
    }

    private func liveDocs(withID term: [UInt8], in segment: SegmentReader) throws -> [UInt32] {
        guard let field = segment.fieldNumber(named: DocumentEncoder.idField),
              let info = try segment.termInfo(field: field, term: term) else { return [] }
        let pending = pendingDeletes[segment.meta.id]
        var docs: [UInt32] = []
        var cursor = try segment.postings(info)
        while try cursor.nextDoc() != PostingsCursor.noMoreDocs {
            if pending?.contains(cursor.doc) != true { docs.append(cursor.doc) }
        }
        return docs
    }

    private func resetBatch() {
        pipeline.reset()
        flushed = []
        pendingDeletes = [:]
        bufferedIDs = [:]
        bufferedDeletes = []
        batchIDHashes = []
        uncommittedDocuments = 0
        uncommittedDeletes = 0
        startedSync = nil
    }

    /// Best effort: the files are unreferenced, so a failure to delete them loses nothing.
    private func discardUncommitted() {
        resetBatch()
        try? store.removeUnreferencedFiles(keeping: committed)
    }
}
