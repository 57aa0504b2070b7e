#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Files in a directory: reads are `mmap`s, writes are fsynced, renames fsync the directory.
struct DirectoryBackend: StoreBackend {
    let directory: String
    var path: String? { directory }

    static let lockFileName = "write.lock"

    private func full(_ name: String) -> String { directory + "/" + name }

    /// `mkdir -p`: creates `path` and missing parents; errors carry the failing component and errno.
    static func createDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw StorageError.io(path: prefix, operation: "create directory", errno: errno)
            }
        }
    }

    func fileNames() throws -> [String] {
        guard let handle = opendir(directory) else {
            throw StorageError.io(path: directory, operation: "opendir", errno: errno)
        }
        defer { closedir(handle) }
        var names: [String] = []
        // `readdir` returns records only `d_reclen` bytes long, so the last one in its buffer can end before
        // `d_name`'s declared 256 bytes: read the name through a pointer up to its NUL, never copy the
        // whole field (`entry.pointee.d_name` by value read past the buffer; AddressSanitizer caught it).
        guard let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else {
            throw StorageError.io(path: directory, operation: "readdir (no d_name)", errno: EINVAL)
        }
        while let entry = readdir(handle) {
            let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            if name == "." || name == ".." { continue }
            if entry.pointee.d_type == UInt8(DT_DIR) { continue }
            names.append(name)
        }
        return names.sorted()
    }

    func read(_ name: String) throws -> FileBytes {
        try FileBytes(mapping: full(name), name: name)
    }

    func writeDurably(_ name: String, _ bytes: [UInt8]) throws {
        try writeFile(name, [bytes[...]], sync: true)
    }

    func writeDurably(_ name: String, parts: [ArraySlice<UInt8>]) throws {
        try writeFile(name, parts, sync: true)
    }

    func writeUnsynced(_ name: String, _ bytes: [UInt8]) throws {
        try writeFile(name, [bytes[...]], sync: false)
    }

    func writeUnsynced(_ name: String, parts: [ArraySlice<UInt8>]) throws {
        try writeFile(name, parts, sync: false)
    }

    func writeStartingWriteback(_ name: String, parts: [ArraySlice<UInt8>]) throws {
        try writeFile(name, parts, sync: false, writeback: true)
    }

    /// The test-only power-loss journal of this directory, if one is recording.
    private var journal: FileSystemJournal? { FileSystemJournal.active(for: directory) }

    /// Parts under this size are gathered before they are written (`writeFile`).
    static let gatheredPartBytes = 64 << 10
    /// Gathered parts are written once they reach this many bytes.
    static let gatherBufferBytes = 1 << 20

    private func writeFile(_ name: String, _ parts: [ArraySlice<UInt8>], sync: Bool, writeback: Bool = false) throws {
        let target = full(name)
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.io(path: target, operation: "open for writing", errno: errno) }
        defer { close(fd) }
        let journal = self.journal
        journal?.record(.create(name))
        var started = writeback ? Writeback(fd: fd) : nil
        defer { started?.startPending() }
        // Small parts (a segment's stored blocks are ~4 KB each: ~4,200 parts for 10k documents) are
        // gathered into one buffer and written together: a system call per part cost more than the copy.
        var gathered: [UInt8] = []
        func writeAll(_ bytes: ArraySlice<UInt8>) throws {
            var written = 0
            try bytes.withUnsafeBytes { buffer in
                while written < buffer.count {
                    guard let base = buffer.baseAddress else { return }
                    let result = write(fd, base + written, buffer.count - written)
                    if result < 0 {
                        if errno == EINTR { continue }
                        throw StorageError.io(path: target, operation: "write", errno: errno)
                    }
                    written += result
                }
            }
            started?.wrote(bytes.count)
        }
        func writeGathered() throws {
            guard !gathered.isEmpty else { return }
            try writeAll(gathered[...])
            gathered.removeAll(keepingCapacity: true)
        }
        for bytes in parts {
            if bytes.count >= Self.gatheredPartBytes {
                try writeGathered()
                try writeAll(bytes)
            } else {
                if gathered.isEmpty { gathered.reserveCapacity(Self.gatherBufferBytes) }
                gathered.append(contentsOf: bytes)
                if gathered.count >= Self.gatherBufferBytes { try writeGathered() }
            }
        }
        try writeGathered()
        if let journal { journal.record(.write(name, Array(parts.joined()))) }
        guard sync else { return }
        guard fsync(fd) == 0 else { throw StorageError.io(path: target, operation: "fsync", errno: errno) }
        journal?.record(.fsync(name))
    }

    func sync(_ name: String) throws {
        let target = full(name)
        let fd = open(target, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError.io(path: target, operation: "open for fsync", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StorageError.io(path: target, operation: "fsync", errno: errno) }
        journal?.record(.fsync(name))
    }

    func startSync(_ name: String) throws -> BackgroundSync? {
        try BackgroundSync(path: full(name))
    }

    /// The journal records the fsync here, once it is known done: the order it checks is the order
    /// in which the commit relies on it.
    func awaitSync(_ name: String, _ pending: BackgroundSync) throws {
        try pending.wait()
        journal?.record(.fsync(name))
    }

    func rename(_ from: String, to: String) throws {
        guard systemRename(full(from), full(to)) == 0 else {
            throw StorageError.io(path: full(to), operation: "rename from \(from)", errno: errno)
        }
        journal?.record(.rename(from, to: to))
    }

    func renameDurably(_ from: String, to: String) throws {
        try rename(from, to: to)
        CrashPoint.reach(.manifestRenamed)
        try syncDirectory()
    }

    func syncDirectory() throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError.io(path: directory, operation: "open directory", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StorageError.io(path: directory, operation: "fsync directory", errno: errno) }
        journal?.record(.fsyncDirectory)
    }

    var spoolDirectory: String { directory }

    func install(spooledFile path: String, as name: String) throws {
        let journal = self.journal
        let spooledName = URL(fileURLWithPath: path).lastPathComponent
        if let journal {
            journal.record(.create(spooledName))
            journal.record(.write(spooledName, try FileBytes(mapping: path, name: spooledName).copyBytes()))
            journal.record(.fsync(spooledName))
        }
        guard systemRename(path, full(name)) == 0 else {
            throw StorageError.io(path: full(name), operation: "rename from \(path)", errno: errno)
        }
        journal?.record(.rename(spooledName, to: name))
        try syncDirectory()
    }

    func remove(_ name: String) throws {
        if unlink(full(name)) == 0 {
            journal?.record(.unlink(name))
        } else if errno != ENOENT {
            throw StorageError.io(path: full(name), operation: "unlink", errno: errno)
        }
    }

    func size(of name: String) throws -> UInt64 {
        var info = stat()
        guard stat(full(name), &info) == 0 else { throw StorageError.io(path: full(name), operation: "stat", errno: errno) }
        return UInt64(info.st_size)
    }

    /// `flock(LOCK_EX | LOCK_NB)` on `write.lock`; flock locks belong to the open file description,
    /// so a second open in the same process conflicts too. The holder's pid is written into the file.
    /// The kernel drops a flock when its process dies, so a lock file left by a crashed writer never
    /// blocks: taking the lock succeeds and `WriterLock.stalePid` reports the dead previous holder.
    func lock() throws -> WriterLock {
        // `breakStaleLock` may unlink the file between our open and our flock: a lock on an unlinked
        // inode excludes nobody, so check the path still names our inode, and retry if not.
        for _ in 0..<10 {
            if let lock = try lockOnce() { return lock }
        }
        throw StorageError.locked(path: full(Self.lockFileName), holder: "another process replacing the lock file")
    }

    private func lockOnce() throws -> WriterLock? {
        let lockPath = full(Self.lockFileName)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.io(path: lockPath, operation: "open lock", errno: errno) }
        let previous = Self.recordedPid(fd)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(fd)
            guard code == EWOULDBLOCK else { throw StorageError.io(path: lockPath, operation: "flock", errno: code) }
            guard let previous else { throw StorageError.locked(path: lockPath, holder: "another writer") }
            let alive = Self.isRunning(previous)
            throw StorageError.locked(path: lockPath, holder: alive ? "pid \(previous)"
                : "pid \(previous) (not running: a process it started still holds the lock)")
        }
        var opened = stat(), named = stat()
        guard fstat(fd, &opened) == 0, stat(lockPath, &named) == 0,
              opened.st_ino == named.st_ino, opened.st_dev == named.st_dev else {
            close(fd)
            return nil
        }
        let stale = previous.flatMap { $0 != getpid() && !Self.isRunning($0) ? $0 : nil }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        let lock = WriterLock(stalePid: stale) { close(fd) }
        return lock
    }

    /// Who holds the lock, without taking it for long: free (no file or nobody holds the flock, with
    /// the pid of a dead previous holder if the file names one) or held by a pid.
    func lockState() throws -> LockState {
        let lockPath = full(Self.lockFileName)
        let fd = open(lockPath, O_RDWR | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return .free(stalePid: nil) }
            throw StorageError.io(path: lockPath, operation: "open lock", errno: errno)
        }
        defer { close(fd) }
        let recorded = Self.recordedPid(fd)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 { return .held(pid: recorded) }
        flock(fd, LOCK_UN)
        return .free(stalePid: recorded.flatMap { Self.isRunning($0) ? nil : $0 })
    }

    /// Removes a lock file nobody holds (a stale one). Safe: it takes the flock first, so a live
    /// writer's lock is never removed; throws `.locked` if one holds it.
    func breakStaleLock() throws {
        let lockPath = full(Self.lockFileName)
        let fd = open(lockPath, O_RDWR | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return }
            throw StorageError.io(path: lockPath, operation: "open lock", errno: errno)
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            throw StorageError.locked(path: lockPath, holder: Self.recordedPid(fd).map { "pid \($0)" } ?? "another writer")
        }
        // Unlink while holding the flock: a writer opening the path afterwards creates a fresh file.
        try remove(Self.lockFileName)
    }

    private static func recordedPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 32, 0) }
        let text = String(decoding: buffer.prefix(Swift.max(0, count)), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }

    /// `kill(pid, 0)`: ESRCH means no such process (EPERM means it exists but is not ours).
    static func isRunning(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH)
    }
}

/// `rename(2)`: the backend's own `rename(_:to:)` shadows it inside the type.
private func systemRename(_ from: String, _ to: String) -> Int32 {
    rename(from, to)
}
