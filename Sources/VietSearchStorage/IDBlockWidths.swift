import Synchronization

/// Per id block of an open segment, whether all its ids have one length (the usual case: generated or
/// zero-padded ids), so that document `d`'s id is found at `(d mod 128) · (1 + width)` instead of by
/// skipping the ids before it (which cost ~400 instructions per hit). One byte per block: 0 = not yet
/// looked at, 1 = lengths differ (or a length needs more than one varint byte), `2 + width` = every id is
/// `width` bytes. Lock-free and shared by every thread searching the segment; two threads may both classify
/// a block, which is harmless as both reach the same answer.
final class IDBlockWidths: @unchecked Sendable {
    // Unchecked: the bytes are atomics reached through a pointer the class owns and never reassigns.
    private let slots: UnsafeMutablePointer<Atomic<UInt8>>
    private let blockCount: Int

    private static let unknown: UInt8 = 0
    private static let mixed: UInt8 = 1

    init(blockCount: Int) {
        self.blockCount = Swift.max(0, blockCount)
        slots = UnsafeMutablePointer<Atomic<UInt8>>.allocate(capacity: Swift.max(1, blockCount))
        for slot in 0..<Swift.max(1, blockCount) { (slots + slot).initialize(to: Atomic(Self.unknown)) }
    }

    deinit {
        slots.deinitialize(count: Swift.max(1, blockCount))
        slots.deallocate()
    }

    /// The one id length of block `block` holding `idCount` ids in `bytes`, or nil when the lengths
    /// differ. The block is classified on first use: its bytes must be exactly `idCount` runs of a
    /// one-byte length `w` followed by `w` bytes.
    @inline(__always)
    func uniformWidth(of block: Int, idCount: Int, bytes: UnsafeRawBufferPointer) -> Int? {
        guard block >= 0, block < blockCount else { return nil }
        var slot = slots[block].load(ordering: .relaxed)
        if slot == Self.unknown {
            slot = Self.classify(idCount: idCount, bytes: bytes)
            slots[block].store(slot, ordering: .relaxed)
        }
        return slot == Self.mixed ? nil : Int(slot) - 2
    }

    /// `2 + w` when `bytes` is `idCount` ids of one length `w < 128`, else `mixed`.
    static func classify(idCount: Int, bytes: UnsafeRawBufferPointer) -> UInt8 {
        guard idCount > 0, let first = bytes.first, first < 0x80 else { return mixed }
        let stride = 1 + Int(first)
        guard bytes.count == idCount * stride else { return mixed }
        var position = 0
        while position < bytes.count {
            if bytes[position] != first { return mixed }
            position += stride
        }
        return 2 + first
    }
}
