import Foundation

/// Where an index lives: a directory of files (memory-mapped for reading) or, for tests and
/// ephemeral use, a set of in-memory buffers with the same bytes. Both behave identically.
package final class IndexStore: @unchecked Sendable {
    /// Internal, not private: the test-only `CommitBreakage` steps drive it directly.
    let backend: any StoreBackend

    /// Old manifests kept after a commit (the newest ones), so a reader opening during a commit
    /// still finds the one it listed.
    static let manifestsKept = 2

    /// Key of this index in the process-wide `FileLeaseRegistry`.
    let location: String

    private init(backend: any StoreBackend) {
        self.backend = backend
        if let path = backend.path {
            location = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        } else {
            location = "memory:" + UUID().uuidString
        }
    }

    /// The directory path, or nil for an in-memory store.
    package var path: String? { backend.path }

    /// Opens the index directory at `path`. With `createIfMissing`, creates the directory (and parents)
    /// when absent; otherwise a missing or non-index directory throws `.notAnIndex`.
    /// A created index gets an empty generation-0 manifest, which is what marks a directory as an index.
    package static func openDirectory(at path: String, createIfMissing: Bool) throws -> IndexStore {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue { throw StorageError.notAnIndex(path: path) }
        if !exists {
            guard createIfMissing else { throw StorageError.notAnIndex(path: path) }
            try DirectoryBackend.createDirectories(path)
        }
        let store = IndexStore(backend: DirectoryBackend(directory: path))
        let names = try store.backend.fileNames()
        if names.contains(where: { Manifest.generation(fromFileName: $0) != nil }) { return store }
        // A writer killed while creating the index may have left its manifest's `.tmp`: still a new index.
        guard createIfMissing, names.allSatisfy({ $0 == DirectoryBackend.lockFileName || $0.hasSuffix(".tmp") }) else {
            throw StorageError.notAnIndex(path: path)
        }
        try store.publish(Manifest.empty)
        return store
    }

    /// A new, empty in-memory store.
    package static func inMemory() -> IndexStore { IndexStore(backend: MemoryBackend()) }

    /// The newest committed manifest; `Manifest.empty` for an index that never committed.
    /// A corrupt newest manifest throws `.corrupt` naming it (it does not silently fall back).
    package func readManifest() throws -> Manifest {
        // A concurrent commit may prune the manifest between listing and opening it: list again.
        var attempt = 0
        while true {
            guard let newest = try manifestGenerations().last else { return Manifest.empty }
            do {
                return try Manifest.decode(try backend.read(Manifest.fileName(generation: newest)))
            } catch let StorageError.io(_, _, code) where code == ENOENT && attempt < 3 {
                attempt += 1
            }
        }
    }

    /// Generations of the manifest files present, ascending.
    private func manifestGenerations() throws -> [UInt64] {
        try backend.fileNames().compactMap { Manifest.generation(fromFileName: $0) }.sorted()
    }

    /// Takes the exclusive writer lock (a `write.lock` file with flock, holding the owner's pid).
    /// Throws `.locked` when another writer, in this or another process, holds it.
    package func lockForWriting() throws -> WriterLock {
        try backend.lock()
    }

    /// Who holds the writer lock (for error messages and `vietsearch stats`).
    package func lockState() throws -> LockState { try backend.lockState() }

    /// Removes a stale writer lock file (one whose holder died). Never breaks a live writer's lock:
    /// throws `.locked` if one holds it.
    package func breakStaleLock() throws { try backend.breakStaleLock() }

    /// Serialises `builder` as a new segment file and fsyncs it. Not yet visible to readers:
    /// it becomes live only when a manifest naming it is committed.
    package func writeSegment(_ builder: SegmentBuilder) throws -> SegmentMeta {
        try writeSegment(Self.serializeSegment(builder))
    }

    /// The bytes of a new segment holding `builder`'s documents: pure, so parallel indexing threads
    /// serialise their own segments and the writer only writes them (`writeSegment(_:)`), in order.
    /// `threads`: how many threads may encode its postings (the bytes are the same for any number).
    /// `consuming`: frees the builder's postings streams while encoding them (lower peak memory); the
    /// builder must then be discarded.
    package static func serializeSegment(_ builder: SegmentBuilder, threads: Int = 1,
                                         consuming: Bool = false) throws -> SerializedSegment {
        let id = SegmentID.random()
        let (parts, checksum, memory) = try SegmentWriter.serialize(builder, id: id, threads: threads,
                                                                    consuming: consuming)
        return SerializedSegment(id: id, parts: parts, checksum: checksum, documentCount: UInt32(builder.documentCount),
                                 memoryBytes: memory)
    }

    /// Writes a serialised segment file and fsyncs it; not yet visible to readers (see above).
    /// `syncing: false` leaves the fsync to `syncSegment`, before a commit publishes the segment: an
    /// index writer's flushes, which the commit mostly merges into one new segment and deletes unread
    /// (their fsyncs cost ~0.05 s each of a 30k-document run's critical path).
    /// `startingWriteback`: the segment's fsync follows at once (`startSyncingSegment`), so the disk starts as
    /// the bytes go.
    package func writeSegment(_ segment: SerializedSegment, syncing: Bool = true,
                              startingWriteback: Bool = false) throws -> SegmentMeta {
        let name = Manifest.segmentFileName(segment.id)
        if CommitBreakage.active == .publishBeforeSegmentFsync {
            try backend.writeUnsynced(name, Array(segment.parts.joined()))
        } else if startingWriteback && !syncing {
            try backend.writeStartingWriteback(name, parts: segment.parts)
        } else if syncing {
            try backend.writeDurably(name, parts: segment.parts)
        } else {
            try backend.writeUnsynced(name, parts: segment.parts)
        }
        CrashPoint.reach(.segmentWritten)
        return SegmentMeta(id: segment.id, documentCount: segment.documentCount, fileName: name,
                           fileSize: UInt64(segment.fileSize), checksum: segment.checksum)
    }

    /// The fsync `writeSegment(_:syncing: false)` left out; due before a manifest names the segment.
    /// (Not with the test-only breakage that publishes before syncing: that one syncs after.)
    /// `started`: the same fsync already running (`startSyncingSegment`): this waits for it instead.
    package func syncSegment(_ meta: SegmentMeta, started: StartedSegmentSync? = nil) throws {
        guard CommitBreakage.active != .publishBeforeSegmentFsync else { return }
        if let started, started.fileName == meta.fileName {
            try backend.awaitSync(meta.fileName, started.pending)
        } else {
            try backend.sync(meta.fileName)
        }
    }

    /// Starts `syncSegment`'s fsync on another thread right after the write, for a segment the commit
    /// being made will most likely publish as it is, so the disk works while the commit opens the segment
    /// and frees what built it. Nil when there is nothing to start (memory, or the test-only breakage).
    /// Not waiting for it is harmless (a segment merged away instead): the thread ends by itself.
    package func startSyncingSegment(_ meta: SegmentMeta) throws -> StartedSegmentSync? {
        guard CommitBreakage.active != .publishBeforeSegmentFsync,
              let pending = try backend.startSync(meta.fileName) else { return nil }
        return StartedSegmentSync(fileName: meta.fileName, pending: pending)
    }

    /// Streams `segments` (skipping their deleted documents) into one new segment file, fsynced but
    /// not yet live. Returns nil when no live document remains (the caller just drops the segments).
    package func merge(_ segments: [SegmentReader]) throws -> SegmentMeta? {
        let id = SegmentID.random()
        let output = try SegmentMerger(segments: segments, spoolDirectory: backend.spoolDirectory, id: id).merge()
        guard output.documentCount > 0 else {
            unlink(output.path)
            return nil
        }
        let name = Manifest.segmentFileName(id)
        try backend.install(spooledFile: output.path, as: name)
        CrashPoint.reach(.mergeInstalled)
        return SegmentMeta(id: id, documentCount: output.documentCount, fileName: name,
                           fileSize: output.fileSize, checksum: output.checksum)
    }

    /// Publishes `manifest` atomically: write to a temporary name, fsync, fsync the directory, rename,
    /// fsync the directory.
    /// `manifest.generation` must be greater than the current one. Then prunes manifests beyond the
    /// newest `manifestsKept`.
    package func commit(_ manifest: Manifest) throws {
        let current = try manifestGenerations().last ?? 0
        guard manifest.generation > current else {
            throw StorageError.limitExceeded("commit generation \(manifest.generation) is not above the current \(current)")
        }
        for segment in manifest.segments where segment.fileName != Manifest.segmentFileName(segment.id) {
            throw StorageError.limitExceeded("segment file name \(segment.fileName) does not match its id")
        }
        let breakage = CommitBreakage.active
        try breakage?.beforePublish(in: self)
        try publish(manifest, breakage: breakage)
        try breakage?.afterPublish(manifest, in: self)
        CrashPoint.reach(.committed)
        let generations = try manifestGenerations()
        for old in generations.dropLast(Self.manifestsKept) {
            try backend.remove(Manifest.fileName(generation: old))
        }
    }

    private func publish(_ manifest: Manifest, breakage: CommitBreakage? = nil) throws {
        let name = Manifest.fileName(generation: manifest.generation)
        if let breakage, try breakage.publish(manifest, as: name, in: self) { return }
        try backend.writeDurably(name + ".tmp", manifest.encoded())
        // The files this manifest names were created since the last directory fsync, and POSIX does not
        // order directory changes: without this fsync the rename could survive a power cut that loses
        // a segment's directory entry (the power-loss test finds exactly that).
        try backend.syncDirectory()
        CrashPoint.reach(.manifestSynced)
        try backend.renameDurably(name + ".tmp", to: name)
    }

    /// Opens a committed segment: maps the file and checks header, footer, size and id (cheap, no full read),
    /// and loads its deletes file when the manifest entry names one.
    package func openSegment(_ meta: SegmentMeta) throws -> SegmentReader {
        guard meta.fileName == Manifest.segmentFileName(meta.id) else {
            throw StorageError.corrupt(file: meta.fileName, offset: 0, reason: "segment file name does not match its id")
        }
        var deletions: DeletedDocs? = nil
        if let deletesName = meta.deletesFileName {
            deletions = try DeletedDocs.decode(try backend.read(deletesName), segment: meta)
        }
        return try SegmentReader(meta: meta, bytes: try backend.read(meta.fileName), deletions: deletions)
    }

    /// Opens the newest commit as a snapshot whose files stay on disk until it is released.
    /// Reading the manifest and leasing its files is atomic with this process's garbage collection;
    /// if another process's writer removed a file in between (ENOENT), retries with the newest manifest.
    package func openSnapshot() throws -> StoreSnapshot {
        var attempt = 0
        while true {
            let (manifest, lease) = try FileLeaseRegistry.shared.withLock { () throws -> (Manifest, FileLease) in
                let manifest = try readManifest()
                let files = manifest.segments.flatMap(\.fileNames) + [Manifest.fileName(generation: manifest.generation)]
                FileLeaseRegistry.shared.retainLocked(files, location: location)
                return (manifest, FileLease(files: files, location: location))
            }
            do {
                let segments = try manifest.segments.map { try openSegment($0) }
                return StoreSnapshot(manifest: manifest, segments: segments, lease: lease)
            } catch let StorageError.io(_, _, code) where code == ENOENT && attempt < 5 {
                attempt += 1
            }
        }
    }

    /// Writes the deletes file of `segment` for commit `generation`: its current deletes plus `docs`.
    /// Returns the manifest entry to commit (unchanged when `docs` adds nothing).
    package func writeDeletes(_ docs: [UInt32], in segment: SegmentReader, generation: UInt64) throws -> SegmentMeta {
        let current = segment.deletions ?? DeletedDocs.none(maxDoc: segment.documentCount, fieldCount: segment.fieldNames.count)
        let combined = try current.adding(docs, segment: segment)
        guard combined.deletedCount != current.deletedCount else { return segment.meta }
        let bytes = combined.encoded(segment: segment.meta.id)
        try backend.writeDurably(DeletedDocs.fileName(segment: segment.meta.id, generation: generation), bytes)
        CrashPoint.reach(.deletesWritten)
        var meta = segment.meta
        meta.deletedCount = combined.deletedCount
        meta.deletesGeneration = generation
        meta.deletesChecksum = FileFormat.storedChecksum(of: bytes)
        return meta
    }

    /// Deletes every segment, deletes and temporary file that neither `manifest`, nor any manifest
    /// still on disk, nor an open snapshot of this process (`FileLeaseRegistry`) needs. Called by the
    /// writer (which holds the lock) after a commit, a rollback or a failed commit.
    package func removeUnreferencedFiles(keeping manifest: Manifest) throws {
        try FileLeaseRegistry.shared.withLock {
            var referenced = Set(manifest.segments.flatMap(\.fileNames))
            referenced.formUnion(FileLeaseRegistry.shared.leasedLocked(location: location))
            let names = try backend.fileNames()
            for name in names where Manifest.generation(fromFileName: name) != nil {
                do {
                    for segment in try Manifest.decode(try backend.read(name)).segments {
                        referenced.formUnion(segment.fileNames)
                    }
                } catch let StorageError.io(_, _, code) where code == ENOENT {
                    continue
                }
            }
            for name in names {
                let isIndexFile = (name.hasPrefix("seg-") && name.hasSuffix(".vss"))
                    || (name.hasPrefix("del-") && name.hasSuffix(".vsd"))
                let isTemporary = name.hasSuffix(".tmp")
                if (isIndexFile && !referenced.contains(name)) || isTemporary {
                    try backend.remove(name)
                    CrashPoint.reach(.collecting)
                }
            }
        }
    }

    /// Names and sizes of every file in the store, for `stats`.
    package func listFiles() throws -> [(name: String, size: UInt64)] {
        try backend.fileNames().map { ($0, try backend.size(of: $0)) }
    }

    /// Raw bytes of a file (tests and `check` tooling).
    package func fileBytes(_ name: String) throws -> [UInt8] {
        try backend.read(name).copyBytes()
    }

    /// Replaces a file's bytes without any durability step (tests use it to corrupt files).
    package func overwriteFile(_ name: String, with bytes: [UInt8]) throws {
        try backend.writeDurably(name, bytes)
    }
}

/// A segment's fsync running in the background (`IndexStore.startSyncingSegment`).
package struct StartedSegmentSync: Sendable {
    let fileName: String
    let pending: BackgroundSync
}

/// A segment file's bytes before they are written (`IndexStore.serializeSegment`).
package struct SerializedSegment: Sendable {
    let id: SegmentID
    /// The file's bytes in pieces written back to back (the builder's sections, not copied together).
    let parts: [ArraySlice<UInt8>]
    let checksum: UInt32
    let documentCount: UInt32
    /// Heap bytes held beyond the builder's (its compressed stored blocks are among the parts).
    package let memoryBytes: Int

    var fileSize: Int { parts.reduce(0) { $0 + $1.count } }
}
