import Foundation

/// Files as immutable heap buffers behind a lock: the same bytes and reader code as on disk, for
/// tests and ephemeral indexes. Readers share `FileBytes` objects, which are never mutated.
final class MemoryBackend: StoreBackend, @unchecked Sendable {
    private let mutex = NSLock()
    private var files: [String: FileBytes] = [:]
    private var locked = false

    var path: String? { nil }

    func fileNames() throws -> [String] {
        mutex.withLock { files.keys.sorted() }
    }

    func read(_ name: String) throws -> FileBytes {
        guard let file = mutex.withLock({ files[name] }) else {
            throw StorageError.io(path: name, operation: "open", errno: ENOENT)
        }
        return file
    }

    func writeDurably(_ name: String, _ bytes: [UInt8]) throws {
        let file = FileBytes(name: name, copying: bytes)
        mutex.withLock { files[name] = file }
    }

    func writeDurably(_ name: String, parts: [ArraySlice<UInt8>]) throws {
        try writeDurably(name, Array(parts.joined()))
    }

    func renameDurably(_ from: String, to: String) throws {
        try mutex.withLock {
            guard let file = files.removeValue(forKey: from) else {
                throw StorageError.io(path: from, operation: "rename", errno: ENOENT)
            }
            // Keep the file's own name for error messages in sync with its new name.
            files[to] = FileBytes(name: to, copying: file.copyBytes())
        }
    }

    /// Memory has no durability step: these are the plain operations.
    func syncDirectory() throws {}

    func writeUnsynced(_ name: String, _ bytes: [UInt8]) throws { try writeDurably(name, bytes) }

    func writeUnsynced(_ name: String, parts: [ArraySlice<UInt8>]) throws { try writeDurably(name, parts: parts) }

    func sync(_ name: String) throws { _ = try read(name) }

    func rename(_ from: String, to: String) throws { try renameDurably(from, to: to) }

    /// The system's temporary directory: merges of in-memory indexes spool there.
    var spoolDirectory: String { FileManager.default.temporaryDirectory.path }

    func install(spooledFile path: String, as name: String) throws {
        let bytes = try FileBytes(mapping: path, name: name).copyBytes()
        try writeDurably(name, bytes)
        unlink(path)
    }

    func remove(_ name: String) throws {
        _ = mutex.withLock { files.removeValue(forKey: name) }
    }

    func size(of name: String) throws -> UInt64 {
        UInt64(try read(name).count)
    }

    /// Replaces the bytes of `name` (tests use it to corrupt files).
    func replace(_ name: String, with bytes: [UInt8]) {
        let file = FileBytes(name: name, copying: bytes)
        mutex.withLock { files[name] = file }
    }

    func lock() throws -> WriterLock {
        try mutex.withLock {
            guard !locked else { throw StorageError.locked(path: "(memory)", holder: "pid \(getpid())") }
            locked = true
        }
        return WriterLock { [weak self] in self?.unlock() }
    }

    func lockState() throws -> LockState {
        mutex.withLock { locked ? .held(pid: getpid()) : .free(stalePid: nil) }
    }

    /// An in-memory lock cannot outlive its process.
    func breakStaleLock() throws {
        if case .held = try lockState() { throw StorageError.locked(path: "(memory)", holder: "pid \(getpid())") }
    }

    private func unlock() { mutex.withLock { locked = false } }
}
