#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The immutable bytes of one file, either memory-mapped (directory store) or copied into a heap
/// buffer (in-memory store). One of the few types holding a raw pointer: everything else reads
/// through `ByteReader`, which bounds-checks. Safe to share between threads (never mutated).
final class FileBytes: @unchecked Sendable {
    /// The file name used in error messages.
    let name: String
    let count: Int
    /// Nil only when `count` is 0.
    let base: UnsafeRawPointer?
    private let isMapped: Bool

    /// Copies `bytes` into a private heap buffer.
    init(name: String, copying bytes: [UInt8]) {
        self.name = name
        self.count = bytes.count
        self.isMapped = false
        if bytes.isEmpty {
            base = nil
        } else {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 16)
            bytes.withUnsafeBytes { source in
                if let from = source.baseAddress { buffer.copyMemory(from: from, byteCount: bytes.count) }
            }
            base = UnsafeRawPointer(buffer)
        }
    }

    /// A private heap buffer of `count` bytes filled by `fill`, which returns false on failure (then nil).
    /// Saves the zero-fill and the copy of `init(name:copying:)` for decompressed blocks.
    init?(name: String, count: Int, fill: (UnsafeMutableRawBufferPointer) -> Bool) {
        guard count > 0 else { return nil }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 16)
        guard fill(UnsafeMutableRawBufferPointer(start: buffer, count: count)) else {
            buffer.deallocate()
            return nil
        }
        self.name = name
        self.count = count
        self.isMapped = false
        base = UnsafeRawPointer(buffer)
    }

    /// Maps the file at `path` read-only. `name` is what errors will call it.
    init(mapping path: String, name: String) throws {
        self.name = name
        self.isMapped = true
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StorageError.io(path: path, operation: "fstat", errno: errno) }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw StorageError.io(path: path, operation: "mmap", errno: errno)
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        guard let base else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    /// Tells the kernel this process no longer needs the mapped pages (read-only, so nothing is lost:
    /// a later access maps them again from the page cache). Lowers RSS after a sequential pass.
    func releaseResidentPages() {
        guard isMapped, let base, count > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), count, MADV_DONTNEED)
    }

    /// CRC-32 of the first `prefix` bytes (clamped to the file).
    func crc32(prefix: Int) -> UInt32 {
        let length = Swift.max(0, Swift.min(prefix, count))
        return CRC32.update(0, UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : length))
    }

    /// CRC-32 of the bytes in `range` (clamped to the file), continuing `crc`.
    func crc32(_ range: Range<Int>, continuing crc: UInt32 = 0) -> UInt32 {
        let lower = Swift.max(0, Swift.min(range.lowerBound, count))
        let upper = Swift.max(lower, Swift.min(range.upperBound, count))
        guard let base else { return crc }
        return CRC32.update(crc, UnsafeRawBufferPointer(start: base + lower, count: upper - lower))
    }

    /// Value `index` of a bit-packed array of `width`-bit values stored in `region`, or nil when the
    /// value's bytes fall outside the region or the file (random access to field lengths, a hot path).
    @inline(__always)
    func bitPackedValue(in region: Range<Int>, index: Int, width: Int) -> UInt32? {
        guard let base, region.lowerBound >= 0, region.upperBound <= count else { return nil }
        return BitPacking.value(at: index, width: width,
                                in: UnsafeRawBufferPointer(start: base + region.lowerBound, count: region.count))
    }

    /// A copy of the bytes, for tests and tools.
    func copyBytes() -> [UInt8] {
        guard let base else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }
}
