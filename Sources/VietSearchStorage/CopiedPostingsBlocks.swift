/// A merge's first input's whole postings blocks of a term, handed to `PostingsWriter` as bytes (FORMAT.md,
/// "Postings"): when the input's doc ids keep their numbers in the merged segment (it comes first and
/// has no deletes), its full blocks are the merged term's first blocks, the same doc deltas and
/// frequencies, and their skip entries the same but for `positionsBlock` (recomputed by the writer).
/// Both ranges lie inside the input's mapping, valid while its reader is open; checked by
/// `MergedTermCollector` (checksum, entries, block sizes) before the writer sees them.
struct CopiedPostingsBlocks {
    /// The first `blockCount` skip entries of the input's list (24 bytes each).
    var skipEntries: UnsafeRawBufferPointer
    /// The bytes of those blocks (block 0 starts at 0; entry `b`'s `blockOffset` is block `b`'s start).
    var blocks: UnsafeRawBufferPointer
    var blockCount: Int
    /// Σ tf of the copied documents (the first value index after them).
    var frequencySum: Int
    /// The last copied document.
    var lastDoc: UInt32

    var documentCount: Int { blockCount * PostingsWriter.blockSize }

    /// Field `field` (0 lastDoc, 1 maxTF, 2 minFieldLength, 3 blockOffset, 4 positionsBlock, 5
    /// positionsIndex) of entry `block` (< `blockCount`).
    @inline(__always)
    func entry(_ block: Int, _ field: Int) -> UInt32 {
        UInt32(littleEndian: skipEntries.loadUnaligned(fromByteOffset: block * PostingsWriter.skipEntrySize + 4 * field, as: UInt32.self))
    }
}
