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
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
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
        let target = full(name)
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.io(path: target, operation: "open for writing", errno: errno) }
        defer { close(fd) }
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
        guard fsync(fd) == 0 else { throw StorageError.io(path: target, operation: "fsync", errno: errno) }
    }

    func renameDurably(_ from: String, to: String) throws {
        guard rename(full(from), full(to)) == 0 else {
            throw StorageError.io(path: full(to), operation: "rename from \(from)", errno: errno)
        }
        try syncDirectory()
    }

    func syncDirectory() throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError.io(path: directory, operation: "open directory", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StorageError.io(path: directory, operation: "fsync directory", errno: errno) }
    }

    func remove(_ name: String) throws {
        guard unlink(full(name)) == 0 || errno == ENOENT else {
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
    func lock() throws -> WriterLock {
        let lockPath = full(Self.lockFileName)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.io(path: lockPath, operation: "open lock", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 32, 0) }
            close(fd)
            guard code == EWOULDBLOCK else { throw StorageError.io(path: lockPath, operation: "flock", errno: code) }
            let text = String(decoding: buffer.prefix(Swift.max(0, count)), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw StorageError.locked(path: lockPath, holder: text.isEmpty ? "another writer" : "pid \(text)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return WriterLock { close(fd) }
    }
}
