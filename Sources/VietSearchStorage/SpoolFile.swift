import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file written through a 1 MiB buffer: a streaming merge writes each section to one,
/// then concatenates them into the segment file, so memory stays bounded whatever the index size.
final class SpoolFile {
    static let bufferSize = 1 << 20

    let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes appended so far.
    private(set) var size = 0
    /// CRC-32 of every byte appended so far (the segment footer's checksum when this is the segment).
    private(set) var crc: UInt32 = 0
    /// Starts the kernel writing each `writebackBytes` to disk as soon as they are written (a merge's
    /// output, fsynced at the end: the fsync then waits for the last stretch only, not for the whole file;
    /// 0.14-0.16 s of a 30k-document run's final merge went to that fsync).
    var startsWriteback = false
    /// Bytes between two writeback starts.
    var writebackBytes: Int {
        get { writeback.stretch }
        set { writeback.stretch = newValue }
    }
    private var writeback: Writeback

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.io(path: path, operation: "create spool file", errno: errno) }
        writeback = Writeback(fd: fd)
        writeback.stretch = 8 << 20
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { if fd >= 0 { close(fd) } }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Appends `bytes`: small ranges through the buffer, ranges of at least `directWriteSize` written
    /// straight to the file after what is buffered (a merge's drained postings and positions, ~1 MiB a
    /// drain, were copied into the buffer first: 1.8% of a merge's instructions in `memcpy`).
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        crc = CRC32.update(crc, bytes)
        size += bytes.count
        if bytes.count >= Self.directWriteSize {
            try flush()
            try writeAll(bytes)
            return
        }
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        buffer.append(contentsOf: bytes)
    }

    /// Ranges this large skip the buffer (a write call per range costs less than copying it).
    static let directWriteSize = 1 << 16

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        guard let base = raw.baseAddress else { return }
        var written = 0
        while written < raw.count {
            let result = write(fd, base + written, raw.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw StorageError.io(path: path, operation: "write", errno: errno)
            }
            written += result
        }
        if startsWriteback { writeback.wrote(raw.count) }
    }

    /// Appends this file's whole content to `target`, 1 MiB at a time, written straight to its file; its
    /// running CRC is extended with this file's (`crc32_combine`) instead of being computed over the bytes
    /// again (a merge's sections are checksummed once, as they are spooled).
    func copy(to target: SpoolFile) throws {
        try flush()
        try target.flush()
        var chunk = [UInt8](repeating: 0, count: Self.bufferSize)
        var offset = 0
        while offset < size {
            let count = Swift.min(Self.bufferSize, size - offset)
            let read = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            guard read > 0 else { throw StorageError.io(path: path, operation: "read spool", errno: read < 0 ? errno : EIO) }
            try chunk.withUnsafeBytes { try target.writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<read])) }
            offset += read
        }
        target.crc = UInt32(truncatingIfNeeded: crc32_combine(UInt(target.crc), UInt(crc), Int(size)))
        target.size += size
    }

    /// Flushes and fsyncs.
    func sync() throws {
        try flush()
        guard fsync(fd) == 0 else { throw StorageError.io(path: path, operation: "fsync", errno: errno) }
    }

    /// Closes and deletes the file.
    func remove() {
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(path)
    }

    /// Closes the file, keeping it.
    func closeKeeping() throws {
        try flush()
        close(fd)
        fd = -1
    }
}
