/// The write-once/read-many file operations an `IndexStore` needs (Tantivy's `Directory`):
/// a directory of real files or a set of in-memory buffers. Names are plain file names.
protocol StoreBackend: Sendable {
    /// Directory path, or nil in memory.
    var path: String? { get }
    /// Every file name in the store (no directories).
    func fileNames() throws -> [String]
    /// The bytes of `name`: memory-mapped for files.
    func read(_ name: String) throws -> FileBytes
    /// Creates or replaces `name` with `bytes` and makes it durable (fsync) before returning.
    func writeDurably(_ name: String, _ bytes: [UInt8]) throws
    /// `writeDurably` of the concatenation of `parts`, without building it.
    func writeDurably(_ name: String, parts: [ArraySlice<UInt8>]) throws
    /// Atomically renames, then makes the directory entry durable.
    func renameDurably(_ from: String, to: String) throws
    /// fsync of the directory: every create, rename and unlink so far becomes durable. POSIX orders
    /// none of them by itself, so a commit syncs the directory before its manifest can be renamed.
    func syncDirectory() throws
    /// Creates or replaces `name` with `bytes` without fsync (test-only commit breakages).
    func writeUnsynced(_ name: String, _ bytes: [UInt8]) throws
    /// `writeUnsynced` of the concatenation of `parts`: a flushed segment, synced (`sync`) only if a
    /// commit publishes it as it is (most are merged at the commit and deleted unread).
    func writeUnsynced(_ name: String, parts: [ArraySlice<UInt8>]) throws
    /// `writeUnsynced` starting the kernel's writeback as the bytes go (`Writeback`): for a file whose
    /// fsync follows at once. Without writeback (memory): `writeUnsynced`.
    func writeStartingWriteback(_ name: String, parts: [ArraySlice<UInt8>]) throws
    /// fsync of an existing file (flushed segments at the commit that publishes them; test-only commit breakages).
    func sync(_ name: String) throws
    /// Starts the fsync of an existing file on another thread (`BackgroundSync`); `awaitSync` finishes
    /// it. Nil when the backend syncs nothing worth overlapping (memory): then `sync` does it.
    func startSync(_ name: String) throws -> BackgroundSync?
    /// Waits for a sync `startSync(name)` started: afterwards `name` is as durable as after `sync`.
    func awaitSync(_ name: String, _ pending: BackgroundSync) throws
    /// Atomically renames without syncing the directory (test-only commit breakages).
    func rename(_ from: String, to: String) throws
    func remove(_ name: String) throws
    func size(of name: String) throws -> UInt64
    /// Where a streaming merge writes its temporary files (names end in `.tmp`).
    var spoolDirectory: String { get }
    /// Moves a complete, fsynced file from `spoolDirectory` into the store as `name`, durably.
    func install(spooledFile path: String, as name: String) throws
    /// Takes the exclusive writer lock.
    func lock() throws -> WriterLock
    /// Who holds the writer lock.
    func lockState() throws -> LockState
    /// Removes a writer lock file nobody holds; throws `.locked` if a writer holds it.
    func breakStaleLock() throws
}

extension StoreBackend {
    func writeStartingWriteback(_ name: String, parts: [ArraySlice<UInt8>]) throws {
        try writeUnsynced(name, parts: parts)
    }

    func startSync(_ name: String) throws -> BackgroundSync? { nil }

    func awaitSync(_ name: String, _ pending: BackgroundSync) throws { try pending.wait() }
}
