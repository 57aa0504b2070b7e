/// Builds the term dictionary (FORMAT.md, "Term dictionary"): prefix-compressed blocks of up to
/// `blockSize` terms plus a sparse index holding each block's first key and offset.
struct TermDictionaryWriter {
    /// Terms per block: small enough that a lookup decodes little, large enough for a small index.
    static let blockSize = 32

    private(set) var blocks: [UInt8] = []
    /// Bytes of `blocks` already handed out by `drain()`.
    private var drainedBlocks: UInt64 = 0
    private var indexEntries: [(blockOffset: UInt64, keyOffset: UInt32, checksum: UInt32)] = []
    private var indexKeys: [UInt8] = []

    private var pending: [(key: [UInt8], documentFrequency: UInt32, totalTermFrequency: UInt64,
                           location: TermDataLocation)] = []
    /// Where the next owned (not shared) term data starts in each section: a block's base offsets.
    private var nextPostingsOffset: UInt64 = 0
    private var nextPositionsOffset: UInt64 = 0
    private var blockBase: (postings: UInt64, positions: UInt64) = (0, 0)

    /// Adds the next term; keys (field byte + term bytes) must arrive in strictly ascending order, and
    /// each owned (not shared) term's data must directly follow the previous owned term's in both sections.
    mutating func add(key: [UInt8], documentFrequency: UInt32, totalTermFrequency: UInt64, location: TermDataLocation) {
        if pending.isEmpty { blockBase = (nextPostingsOffset, nextPositionsOffset) }
        if !location.isShared {
            nextPostingsOffset = location.postingsOffset + location.postingsLength
            nextPositionsOffset = location.positionsOffset + location.positionsLength
        }
        pending.append((key, documentFrequency, totalTermFrequency, location))
        if pending.count == Self.blockSize { flushBlock() }
    }

    private mutating func flushBlock() {
        guard let first = pending.first else { return }
        let blockStart = blocks.count
        blocks.appendVarint(pending.count)
        blocks.appendVarint(blockBase.postings)
        blocks.appendVarint(blockBase.positions)
        var previousKey: [UInt8] = []
        for term in pending {
            var shared = 0
            let limit = Swift.min(previousKey.count, term.key.count)
            while shared < limit && previousKey[shared] == term.key[shared] { shared += 1 }
            blocks.appendVarint(shared)
            blocks.appendVarint(term.key.count - shared)
            blocks.append(contentsOf: term.key[shared...])
            blocks.appendVarint(term.documentFrequency)
            blocks.appendVarint(term.totalTermFrequency - UInt64(term.documentFrequency))
            blocks.appendVarint(term.location.postingsLength << 1 | (term.location.isShared ? 1 : 0))
            blocks.appendVarint(term.location.positionsLength)
            if term.location.isShared {
                blocks.appendVarint(term.location.postingsOffset)
                blocks.appendVarint(term.location.positionsOffset)
            }
            blocks.appendUInt32(term.location.postingsChecksum)
            blocks.appendUInt32(term.location.positionsChecksum)
            previousKey = term.key
        }
        indexEntries.append((UInt64(blockStart) + drainedBlocks, UInt32(indexKeys.count),
                             CRC32.update(0, blocks[blockStart...])))
        indexKeys.appendLengthPrefixed(first.key)
        pending.removeAll(keepingCapacity: true)
    }

    /// Hands out the finished blocks written so far (a streaming merge spools them to disk).
    mutating func drainBlocks() -> [UInt8] {
        let result = blocks
        drainedBlocks += UInt64(blocks.count)
        blocks.removeAll(keepingCapacity: true)
        return result
    }

    /// Flushes the last block and returns (blocks section, index section).
    mutating func finish() -> (blocks: [UInt8], index: [UInt8]) {
        flushBlock()
        var index: [UInt8] = []
        index.appendUInt32(UInt32(indexEntries.count))
        for entry in indexEntries {
            index.appendUInt64(entry.blockOffset)
            index.appendUInt32(entry.keyOffset)
            index.appendUInt32(entry.checksum)
        }
        index.append(contentsOf: indexKeys)
        return (blocks, index)
    }
}
