#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An `fsync` of one file running on its own thread, so that the disk wait overlaps the work a commit
/// still does before it needs the file durable (opening the new segment, freeing the builder that wrote
/// it: ~40 ms of a 10k-document run's serial end). `wait()` joins it; the commit calls it before the
/// manifest naming the file can be written, so the durability order is the same as a plain `fsync`.
///
/// The thread owns its own descriptor (opened here, closed by the thread), so a sync nobody waits for
/// (its segment was merged away instead of published) finishes and cleans up by itself.
final class BackgroundSync: @unchecked Sendable {
    let path: String
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    /// The `errno` of the failed `fsync`, 0 when it succeeded; read only after `finished` is signalled.
    private var failure: Int32 = 0

    /// Opens `path` and starts its `fsync` on a new thread. Throws (nothing started) if it cannot open it.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError.io(path: path, operation: "open for fsync", errno: errno) }
        let thread = Thread { [self] in
            let code: Int32 = fsync(fd) == 0 ? 0 : errno
            close(fd)
            lock.withLock { failure = code }
            finished.signal()
        }
        thread.name = "vietsearch-fsync"
        thread.start()
    }

    /// Blocks until the `fsync` has returned; throws its error. Any number of calls (each re-signals).
    func wait() throws {
        finished.wait()
        finished.signal()
        let code = lock.withLock { failure }
        guard code == 0 else { throw StorageError.io(path: path, operation: "fsync", errno: code) }
    }
}
