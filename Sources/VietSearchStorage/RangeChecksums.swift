import Synchronization

/// Verifies the CRC-32 of a byte range of a segment before its bytes are used (FORMAT.md, "Checksums").
/// Term postings and positions can be megabytes long and are read by every query naming the term, so a
/// range is verified once per open segment and remembered; the memo is shared by every thread searching
/// the segment (a mutex around a table: one uncontended lock per cursor opened).
final class RangeChecksums: Sendable {
    /// Ranges shorter than this are checksummed on every use: cheaper than the memo's lock and probe.
    /// (At 512, with a `Set` as the memo, most of a query's cursors were opened on shorter lists and
    /// zlib's CRC of them cost ~1.8k instructions each: callgrind, session 7.)
    static let memoThreshold = 64

    private let bytes: FileBytes
    private let verified = Mutex<VerifiedRangeTable>(VerifiedRangeTable())

    init(_ bytes: FileBytes) {
        self.bytes = bytes
    }

    /// Throws `corrupt` naming the range when its bytes do not have `checksum`.
    func verify(_ range: Range<Int>, checksum: UInt32, what: String) throws {
        guard range.count >= Self.memoThreshold else {
            return try bytes.verifyChecksum(of: range, expected: checksum, what: what)
        }
        let key = VerifiedRange(start: range.lowerBound, count: range.count, checksum: checksum)
        if verified.withLock({ $0.contains(key) }) { return }
        try bytes.verifyChecksum(of: range, expected: checksum, what: what)
        verified.withLock { $0.insert(key) }
    }
}

/// A range whose bytes matched their checksum.
struct VerifiedRange: Equatable {
    var start: Int
    var count: Int
    var checksum: UInt32
}

/// The verified ranges of one segment: open addressing on the range's start (ranges of one segment's
/// terms start at distinct offsets), a multiplicative hash and linear probing. `Set`'s SipHash cost
/// ~300 instructions a lookup, a sixth of a cursor's opening (callgrind, session 7).
struct VerifiedRangeTable {
    /// Slots; `start == -1` marks an empty one. The count is a power of two, at most half full.
    private var slots: [VerifiedRange]
    private var used = 0

    init() {
        slots = Self.emptySlots(64)
    }

    private static func emptySlots(_ count: Int) -> [VerifiedRange] {
        [VerifiedRange](repeating: VerifiedRange(start: -1, count: 0, checksum: 0), count: count)
    }

    @inline(__always)
    private static func home(_ start: Int, mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(start)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    func contains(_ key: VerifiedRange) -> Bool {
        let mask = slots.count - 1
        var slot = Self.home(key.start, mask: mask)
        while true {
            let entry = slots[slot]
            if entry.start == -1 { return false }
            if entry == key { return true }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ key: VerifiedRange) {
        guard key.start >= 0, !contains(key) else { return }
        if (used + 1) * 2 > slots.count {
            let old = slots
            slots = Self.emptySlots(old.count * 2)
            used = 0
            for entry in old where entry.start != -1 { place(entry) }
        }
        place(key)
    }

    private mutating func place(_ key: VerifiedRange) {
        let mask = slots.count - 1
        var slot = Self.home(key.start, mask: mask)
        while slots[slot].start != -1 { slot = (slot + 1) & mask }
        slots[slot] = key
        used += 1
    }
}

extension FileBytes {
    /// Throws `corrupt` naming the range when the CRC-32 of its bytes is not `expected` (or the range
    /// leaves the file).
    func verifyChecksum(of range: Range<Int>, expected: UInt32, what: String) throws {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw StorageError.corrupt(file: name, offset: range.lowerBound,
                                       reason: "\(what) bytes \(range.lowerBound)..<\(range.upperBound) lie outside the \(count)-byte file")
        }
        let computed = crc32(range)
        guard computed == expected else {
            throw StorageError.corrupt(file: name, offset: range.lowerBound,
                                       reason: "\(what) bytes \(range.lowerBound)..<\(range.upperBound) fail their checksum: stored \(FileFormat.hex(expected)), computed \(FileFormat.hex(computed))")
        }
    }
}
