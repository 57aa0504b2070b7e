import Foundation

/// Counts, per index location, how many open snapshots use each file, so garbage collection in this
/// process never deletes a file a searcher still needs (or is about to map). Shared by every
/// `IndexStore` of the process: two `Index` objects on one directory see each other's readers.
///
/// Readers in *other* processes are not counted: on Linux a file unlinked while mapped stays valid
/// for its mappings, and a reader that loses the race between reading a manifest and mapping its
/// files retries with the newest manifest (`IndexStore.openSnapshot`).
final class FileLeaseRegistry: @unchecked Sendable {
    static let shared = FileLeaseRegistry()

    private let mutex = NSLock()
    private var counts: [String: [String: Int]] = [:]

    /// Runs `body` with the registry locked: garbage collection and "read manifest + lease" are
    /// atomic with respect to each other.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        mutex.lock()
        defer { mutex.unlock() }
        return try body()
    }

    /// Caller holds the lock.
    func retainLocked(_ files: [String], location: String) {
        var table = counts[location] ?? [:]
        for file in files { table[file, default: 0] += 1 }
        counts[location] = table
    }

    func release(_ files: [String], location: String) {
        withLock {
            guard var table = counts[location] else { return }
            for file in files {
                let remaining = (table[file] ?? 1) - 1
                table[file] = remaining > 0 ? remaining : nil
            }
            counts[location] = table.isEmpty ? nil : table
        }
    }

    /// Files leased at `location`. Caller holds the lock.
    func leasedLocked(location: String) -> Set<String> {
        Set(counts[location]?.keys ?? [:].keys)
    }
}

/// Keeps the files of one snapshot from being garbage-collected until released (on deinit).
package final class FileLease: Sendable {
    private let files: [String]
    private let location: String

    init(files: [String], location: String) {
        self.files = files
        self.location = location
    }

    deinit { FileLeaseRegistry.shared.release(files, location: location) }
}
