import Synchronization

/// Which of a segment's numbered blocks (term blocks, id blocks) already passed their CRC-32 check
/// (FORMAT.md, "Checksums"): one bit per block, set after the first successful verification, so a
/// block is checksummed once per open segment instead of on every lookup (the CRC of a term block cost
/// ~10% of a single-term query). Lock-free and shared by every thread searching the segment: two threads
/// may both verify a block the first time, which is harmless. A damaged block never gets its bit, so it
/// is reported on every use, before its bytes are decoded.
final class VerifiedBlocks: @unchecked Sendable {
    // Unchecked: the words are atomics reached through a pointer the class owns and never reassigns.
    private let words: UnsafeMutablePointer<Atomic<UInt64>>
    private let wordCount: Int

    init(blockCount: Int) {
        wordCount = Swift.max(1, (blockCount + 63) / 64)
        words = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: wordCount)
        for word in 0..<wordCount { (words + word).initialize(to: Atomic(0)) }
    }

    deinit {
        words.deinitialize(count: wordCount)
        words.deallocate()
    }

    /// Whether `block` was verified; false for a block outside the set.
    @inline(__always)
    func contains(_ block: Int) -> Bool {
        let word = block >> 6
        guard block >= 0, word < wordCount else { return false }
        return words[word].load(ordering: .acquiring) & (1 << UInt64(block & 63)) != 0
    }

    /// Records that `block` passed its check (ignored for a block outside the set).
    func insert(_ block: Int) {
        let word = block >> 6
        guard block >= 0, word < wordCount else { return }
        words[word].bitwiseOr(1 << UInt64(block & 63), ordering: .releasing)
    }

    /// Runs `verify` unless `block` already passed, and remembers it when `verify` does not throw.
    @inline(__always)
    func verifyOnce(_ block: Int, _ verify: () throws -> Void) throws {
        if contains(block) { return }
        try verify()
        insert(block)
    }
}

extension VerifiedBlocks {
    /// The file range of numbered block `block` of a section, `start..<end` relative to the section's
    /// `section` range (as read from the block's index entry at `entry`): checked to lie inside the
    /// section, and its checksum verified unless the block already passed. `kind` names the block in errors.
    func checkedRange(of block: Int, kind: String, start: UInt64, end: UInt64, checksum: UInt32,
                      in section: Range<Int>, of bytes: FileBytes, entry: Int) throws -> Range<Int> {
        guard start < end, end <= UInt64(section.count) else {
            throw StorageError.corrupt(file: bytes.name, offset: entry,
                                       reason: "\(kind) \(block) spans \(start)..<\(end) outside the \(section.count)-byte section")
        }
        let range = (section.lowerBound + Int(start))..<(section.lowerBound + Int(end))
        try verifyOnce(block) {
            try bytes.verifyChecksum(of: range, expected: checksum, what: "\(kind) \(block)")
        }
        return range
    }
}
