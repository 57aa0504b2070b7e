import Synchronization

/// Verifies the CRC-32 of a byte range of a segment before its bytes are used (FORMAT.md, "Checksums").
/// Term postings and positions can be megabytes long and are read by every query naming the term, so a
/// range is verified once per open segment and remembered; the memo is shared by every thread searching
/// the segment (a mutex around a set: one uncontended lock per cursor opened).
final class RangeChecksums: Sendable {
    /// Ranges shorter than this are checksummed on every use: cheaper than the memo's lock and hash.
    static let memoThreshold = 512

    private let bytes: FileBytes
    private let verified = Mutex<Set<VerifiedRange>>([])

    private struct VerifiedRange: Hashable {
        var start: Int
        var count: Int
        var checksum: UInt32
    }

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
        _ = verified.withLock { $0.insert(key) }
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
