/// Where an index lives: a directory of files (memory-mapped for reading) or, for tests and
/// ephemeral use, a set of in-memory buffers with the same bytes. Both behave identically.
package final class IndexStore: @unchecked Sendable {
    /// The directory path, or nil for an in-memory store.
    package var path: String? { nil }

    /// Opens the index directory at `path`. With `createIfMissing`, creates the directory (and parents)
    /// when absent; otherwise a missing or non-index directory throws `.notAnIndex`.
    package static func openDirectory(at path: String, createIfMissing: Bool) throws -> IndexStore {
        throw StorageError.unimplemented("IndexStore.openDirectory")
    }

    /// A new, empty in-memory store.
    package static func inMemory() -> IndexStore { IndexStore() }

    /// The newest committed manifest; `Manifest.empty` for an index that never committed.
    /// A corrupt newest manifest throws `.corrupt` naming it (it does not silently fall back).
    package func readManifest() throws -> Manifest {
        throw StorageError.unimplemented("IndexStore.readManifest")
    }

    /// Takes the exclusive writer lock (a `write.lock` file with flock, holding the owner's pid).
    /// Throws `.locked` when another writer, in this or another process, holds it.
    package func lockForWriting() throws -> WriterLock {
        throw StorageError.unimplemented("IndexStore.lockForWriting")
    }

    /// Serialises `builder` as a new segment file and fsyncs it. Not yet visible to readers:
    /// it becomes live only when a manifest naming it is committed.
    package func writeSegment(_ builder: SegmentBuilder) throws -> SegmentMeta {
        throw StorageError.unimplemented("IndexStore.writeSegment")
    }

    /// Publishes `manifest` atomically: write to a temporary name, fsync, rename, fsync the directory.
    /// `manifest.generation` must be greater than the current one.
    package func commit(_ manifest: Manifest) throws {
        throw StorageError.unimplemented("IndexStore.commit")
    }

    /// Opens a committed segment: maps the file and checks header, footer, size and id (cheap, no full read).
    package func openSegment(_ meta: SegmentMeta) throws -> SegmentReader {
        throw StorageError.unimplemented("IndexStore.openSegment")
    }

    /// Deletes segment and temporary files that `manifest` does not reference (after a rollback or
    /// a failed commit). Never touches files a committed manifest names.
    package func removeUnreferencedFiles(keeping manifest: Manifest) throws {
        throw StorageError.unimplemented("IndexStore.removeUnreferencedFiles")
    }

    /// Names and sizes of every file in the store, for `stats`.
    package func listFiles() throws -> [(name: String, size: UInt64)] {
        throw StorageError.unimplemented("IndexStore.listFiles")
    }
}

/// The held writer lock; released by `release()` or when the value is deinitialised.
package final class WriterLock: @unchecked Sendable {
    package func release() {}
}
