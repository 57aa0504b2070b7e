import Foundation

/// A test-only record of every file-system effect a `DirectoryBackend` performs in one directory, in
/// order: the power-loss test replays a prefix of it under a crash model to build the directory a power
/// cut could leave. Inert unless a test calls `start(directory:)`; then each effect costs one lock.
///
/// Effects are recorded after the system call succeeded. A merge's output is created, written and
/// fsynced by its spool file before `install`; the journal records those three effects at install time,
/// just before the rename (nothing reads the file in between). A merge's intermediate spool files are
/// not recorded: they end in `.tmp`, no manifest names them, and garbage collection removes them.
package final class FileSystemJournal: @unchecked Sendable {
    /// One effect on the directory or one of its files (names are plain file names).
    package enum Effect: Equatable, Sendable {
        /// `open(O_CREAT | O_TRUNC)`: a new directory entry (or the existing file truncated).
        case create(String)
        /// The file's whole content written (it was empty), not yet fsynced.
        case write(String, [UInt8])
        /// `fsync` of the file: its data is durable (its directory entry is not, by itself).
        case fsync(String)
        case rename(String, to: String)
        case unlink(String)
        /// `fsync` of the directory: every create, rename and unlink before it is durable.
        case fsyncDirectory
    }

    /// The directory, exactly as given to `Index.open(at:)`.
    package let directory: String
    private let lock = NSLock()
    private var recorded: [Effect] = []

    private init(directory: String) { self.directory = directory }

    /// The effects recorded so far.
    package var effects: [Effect] { lock.withLock { recorded } }

    /// Starts recording the effects of every backend whose directory path is exactly `directory`.
    package static func start(directory: String) -> FileSystemJournal {
        let journal = FileSystemJournal(directory: directory)
        registry.withLock { $0[directory] = journal }
        return journal
    }

    /// Stops recording (the effects stay readable).
    package func stop() {
        Self.registry.withLock { journals in
            if journals[directory] === self { journals[directory] = nil }
        }
    }

    /// The journal recording `directory`, if a test started one.
    static func active(for directory: String) -> FileSystemJournal? {
        registry.withLock { $0.isEmpty ? nil : $0[directory] }
    }

    func record(_ effect: Effect) {
        lock.withLock { recorded.append(effect) }
    }

    private static let registry = Registry()

    private final class Registry: @unchecked Sendable {
        private let lock = NSLock()
        private var journals: [String: FileSystemJournal] = [:]

        func withLock<T>(_ body: (inout [String: FileSystemJournal]) -> T) -> T {
            lock.withLock { body(&journals) }
        }
    }
}
