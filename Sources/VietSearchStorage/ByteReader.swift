#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounds-checked cursor over a `FileBytes` region: the only way the format decoders touch bytes.
/// Offsets are absolute file offsets, so every error names the exact byte where reading failed.
struct ByteReader {
    let bytes: FileBytes
    /// Next byte to read.
    var offset: Int
    /// One past the last readable byte (a section's end, or the file's end).
    let end: Int

    init(_ bytes: FileBytes, at offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.end = bytes.count
    }

    /// A reader limited to `start ..< end` (callers have validated the range against the file).
    init(_ bytes: FileBytes, from start: Int, to end: Int) {
        self.bytes = bytes
        self.offset = start
        self.end = Swift.min(end, bytes.count)
    }

    var remaining: Int { end - offset }

    /// The bytes from `offset` to `end`, for decoders that scan a checksummed region on their own
    /// (bounds-checking each access against the buffer's count).
    var remainingBytes: UnsafeRawBufferPointer {
        guard let base = bytes.base, offset < end, offset >= 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + offset, count: end - offset)
    }
    var isAtEnd: Bool { offset >= end }

    func corrupt(_ reason: String, at position: Int? = nil) -> StorageError {
        StorageError.corrupt(file: bytes.name, offset: position ?? offset, reason: reason)
    }

    @inline(__always)
    private func require(_ count: Int, _ what: String) throws {
        guard count >= 0, offset >= 0, count <= end - offset else {
            throw corrupt("\(what) needs \(count) bytes, \(Swift.max(0, end - offset)) left (truncated?)")
        }
    }

    @inline(__always)
    mutating func readUInt8() throws -> UInt8 {
        try require(1, "byte")
        let value = bytes.base.unsafelyUnwrapped.load(fromByteOffset: offset, as: UInt8.self)
        offset += 1
        return value
    }

    mutating func readUInt16() throws -> UInt16 {
        try require(2, "u16")
        let value = bytes.base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        offset += 2
        return UInt16(littleEndian: value)
    }

    mutating func readUInt32() throws -> UInt32 {
        try require(4, "u32")
        let value = bytes.base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: value)
    }

    mutating func readUInt64() throws -> UInt64 {
        try require(8, "u64")
        let value = bytes.base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    /// Unsigned LEB128 of at most 10 bytes; rejects overlong encodings past 64 bits.
    @inline(__always)
    mutating func readVarint() throws -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw corrupt("varint runs past the end (truncated?)", at: start) }
            let byte = bytes.base.unsafelyUnwrapped.load(fromByteOffset: offset, as: UInt8.self)
            offset += 1
            if shift == 63 && byte > 1 { throw corrupt("varint overflows 64 bits", at: start) }
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw corrupt("varint longer than 10 bytes", at: start) }
        }
    }

    /// A varint that must fit in 32 bits.
    @inline(__always)
    mutating func readVarint32() throws -> UInt32 {
        let start = offset
        let value = try readVarint()
        guard value <= UInt64(UInt32.max) else { throw corrupt("varint \(value) does not fit 32 bits", at: start) }
        return UInt32(value)
    }

    /// A varint used as a count or length: must fit in `Int` and not exceed `limit`.
    mutating func readCount(limit: Int, _ what: String) throws -> Int {
        let start = offset
        let value = try readVarint()
        guard value <= UInt64(limit) else { throw corrupt("\(what) \(value) exceeds \(limit)", at: start) }
        return Int(value)
    }

    mutating func readBytes(_ count: Int) throws -> [UInt8] {
        try require(count, "byte string")
        guard count > 0 else { return [] }
        let result = [UInt8](UnsafeRawBufferPointer(start: bytes.base.unsafelyUnwrapped + offset, count: count))
        offset += count
        return result
    }

    /// Appends `count` bytes to `out` (avoids a temporary array when rebuilding prefix-compressed keys).
    mutating func readBytes(_ count: Int, appendingTo out: inout [UInt8]) throws {
        try require(count, "byte string")
        guard count > 0 else { return }
        out.append(contentsOf: UnsafeRawBufferPointer(start: bytes.base.unsafelyUnwrapped + offset, count: count))
        offset += count
    }

    /// Copies the next `count` bytes into `out[index ..< index + count]` (which must exist).
    mutating func readBytes(_ count: Int, into out: inout [UInt8], at index: Int) throws {
        try require(count, "byte string")
        guard count > 0 else { return }
        guard index >= 0, index + count <= out.count else { throw corrupt("\(count) bytes do not fit their destination") }
        let source = bytes.base.unsafelyUnwrapped + offset
        out.withUnsafeMutableBytes { destination in
            destination.baseAddress.unsafelyUnwrapped.advanced(by: index).copyMemory(from: source, byteCount: count)
        }
        offset += count
    }

    mutating func skip(_ count: Int) throws {
        try require(count, "skipped region")
        offset += count
    }

    /// Skips `count` varints without decoding them (positions of documents nobody asked about).
    mutating func skipVarints(_ count: Int) throws {
        var left = count
        while left > 0 {
            guard offset < end else { throw corrupt("varint runs past the end (truncated?)") }
            if bytes.base.unsafelyUnwrapped.load(fromByteOffset: offset, as: UInt8.self) < 0x80 { left -= 1 }
            offset += 1
        }
    }

    /// Runs `body` over the next `count` bytes (after a bounds check) and advances past them.
    mutating func withBytes<T>(_ count: Int, _ what: String, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        try require(count, what)
        let buffer = UnsafeRawBufferPointer(start: count == 0 ? nil : bytes.base.unsafelyUnwrapped + offset, count: count)
        let result = try body(buffer)
        offset += count
        return result
    }

    /// Compares the next `count` bytes with `other` lexicographically without copying (memcmp).
    func compare(count: Int, with other: UnsafeBufferPointer<UInt8>) -> Int {
        let available = Swift.min(count, Swift.max(0, end - offset))
        let limit = Swift.min(available, other.count)
        if limit > 0, let base = bytes.base, let start = other.baseAddress {
            let order = memcmp(base + offset, start, limit)
            if order != 0 { return order < 0 ? -1 : 1 }
        }
        return available == other.count ? 0 : (available < other.count ? -1 : 1)
    }

    /// Compares the next `count` bytes with `other` lexicographically without copying.
    func compare(count: Int, with other: [UInt8]) -> Int {
        let available = Swift.min(count, Swift.max(0, end - offset))
        let limit = Swift.min(available, other.count)
        guard let base = bytes.base else { return available == other.count ? 0 : (available < other.count ? -1 : 1) }
        for index in 0..<limit {
            let mine = base.load(fromByteOffset: offset + index, as: UInt8.self)
            if mine != other[index] { return mine < other[index] ? -1 : 1 }
        }
        return available == other.count ? 0 : (available < other.count ? -1 : 1)
    }
}
