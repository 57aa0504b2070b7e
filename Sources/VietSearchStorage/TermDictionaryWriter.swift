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

    /// The block being filled: its terms, their keys back to back in `pendingKeys` (no array per key).
    private var pending: [(key: Range<Int>, documentFrequency: UInt32, totalTermFrequency: UInt64,
                           location: TermDataLocation)] = []
    private var pendingKeys: [UInt8] = []
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
        let keyStart = pendingKeys.count
        pendingKeys.append(contentsOf: key)
        pending.append((keyStart..<pendingKeys.count, documentFrequency, totalTermFrequency, location))
        if pending.count == Self.blockSize { flushBlock() }
    }

    private mutating func flushBlock() {
        guard let first = pending.first else { return }
        let blockStart = blocks.count
        // Written through a pointer into room for the worst case (trimmed after): appending each varint
        // byte by byte to the array cost ~1,000 instructions per term.
        var room = 3 * 10
        for term in pending { room += term.key.count + 8 * 10 + 8 }
        blocks.appendZeros(room)
        let written = blocks.withUnsafeMutableBufferPointer { out -> Int in
            pendingKeys.withUnsafeBufferPointer { keys -> Int in
                guard let outBase = out.baseAddress, let keyBase = keys.baseAddress else { return 0 }
                var next = outBase + blockStart
                next = PostingsWriter.writeVarint(UInt64(pending.count), to: next)
                next = PostingsWriter.writeVarint(blockBase.postings, to: next)
                next = PostingsWriter.writeVarint(blockBase.positions, to: next)
                var previousKey = 0..<0
                for term in pending {
                    var shared = 0
                    let limit = Swift.min(previousKey.count, term.key.count)
                    while shared < limit && keyBase[previousKey.lowerBound + shared] == keyBase[term.key.lowerBound + shared] {
                        shared += 1
                    }
                    next = PostingsWriter.writeVarint(UInt64(shared), to: next)
                    next = PostingsWriter.writeVarint(UInt64(term.key.count - shared), to: next)
                    next.update(from: keyBase + term.key.lowerBound + shared, count: term.key.count - shared)
                    next += term.key.count - shared
                    next = PostingsWriter.writeVarint(UInt64(term.documentFrequency), to: next)
                    next = PostingsWriter.writeVarint(term.totalTermFrequency - UInt64(term.documentFrequency), to: next)
                    next = PostingsWriter.writeVarint(term.location.postingsLength << 1 | (term.location.isShared ? 1 : 0), to: next)
                    next = PostingsWriter.writeVarint(term.location.positionsLength, to: next)
                    if term.location.isShared {
                        next = PostingsWriter.writeVarint(term.location.postingsOffset, to: next)
                        next = PostingsWriter.writeVarint(term.location.positionsOffset, to: next)
                    }
                    UnsafeMutableRawPointer(next).storeBytes(of: term.location.postingsChecksum.littleEndian, as: UInt32.self)
                    UnsafeMutableRawPointer(next).storeBytes(of: term.location.positionsChecksum.littleEndian, toByteOffset: 4,
                                                             as: UInt32.self)
                    next += 8
                    previousKey = term.key
                }
                return next - (outBase + blockStart)
            }
        }
        blocks.removeLast(room - written)
        indexEntries.append((UInt64(blockStart) + drainedBlocks, UInt32(indexKeys.count),
                             CRC32.update(0, blocks[blockStart...])))
        indexKeys.appendVarint(first.key.count)
        indexKeys.append(contentsOf: pendingKeys[first.key])
        pending.removeAll(keepingCapacity: true)
        pendingKeys.removeAll(keepingCapacity: true)
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
