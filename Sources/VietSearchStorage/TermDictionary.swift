/// Reads the term dictionary (FORMAT.md, "Term dictionary"): binary search over the sparse index's
/// first keys, then a linear decode of one prefix-compressed block. Keys are field byte + term bytes.
struct TermDictionary {
    /// Index entry: blockOffset u64 + keyOffset u32 + blockChecksum u32.
    static let indexEntrySize = 16

    private let bytes: FileBytes
    private let blocks: Range<Int>
    private let index: Range<Int>
    let blockCount: Int
    /// Blocks whose checksum passed (shared by copies of this dictionary: one per open segment).
    private let verified: VerifiedBlocks
    private var keyArea: Int { index.lowerBound + 4 + blockCount * Self.indexEntrySize }

    init(_ bytes: FileBytes, blocks: Range<Int>, index: Range<Int>) throws {
        self.bytes = bytes
        self.blocks = blocks
        self.index = index
        var reader = ByteReader(bytes, from: index.lowerBound, to: index.upperBound)
        let count = Int(try reader.readUInt32())
        guard count <= (index.count - 4) / Self.indexEntrySize else {
            throw reader.corrupt("term index claims \(count) blocks, section holds fewer", at: index.lowerBound)
        }
        blockCount = count
        verified = VerifiedBlocks(blockCount: count)
    }

    /// The byte range of block `block` inside the blocks section, its checksum verified on the block's
    /// first use in this open segment (`VerifiedBlocks`); a damaged block fails every use.
    func blockRange(_ block: Int) throws -> Range<Int> {
        let entry = index.lowerBound + 4 + block * Self.indexEntrySize
        var reader = ByteReader(bytes, from: entry, to: index.upperBound)
        let start = try reader.readUInt64()
        try reader.skip(4)
        let checksum = try reader.readUInt32()
        var end = UInt64(blocks.count)
        if block + 1 < blockCount { end = try reader.readUInt64() }
        return try verified.checkedRange(of: block, kind: "term block", start: start, end: end, checksum: checksum,
                                         in: blocks, of: bytes, entry: entry)
    }

    func firstKey(_ block: Int) throws -> [UInt8] {
        var reader = try firstKeyReader(block)
        let length = try reader.readCount(limit: reader.remaining, "index key length")
        return try reader.readBytes(length)
    }

    /// A reader over the index section positioned at block `block`'s first key (one reader, moved
    /// from the entry to the key area, so a binary-search step costs no extra reference counting).
    private func firstKeyReader(_ block: Int) throws -> ByteReader {
        let entry = index.lowerBound + 4 + block * Self.indexEntrySize
        var reader = ByteReader(bytes, from: entry + 8, to: index.upperBound)
        let keyOffset = Int(try reader.readUInt32())
        guard keyOffset < index.upperBound - keyArea else {
            throw StorageError.corrupt(file: bytes.name, offset: entry + 8, reason: "index key offset \(keyOffset) out of range")
        }
        reader.offset = keyArea + keyOffset
        return reader
    }

    /// The last block whose first key is <= `key`, or nil when `key` sorts before every block.
    func blockContaining(_ key: [UInt8]) throws -> Int? {
        try key.withUnsafeBufferPointer { try blockContaining(key: $0) }
    }

    /// Binary search over the index's first keys with one reader moved from entry to key (no copy,
    /// no reference counting per step).
    private func blockContaining(key: UnsafeBufferPointer<UInt8>) throws -> Int? {
        var reader = ByteReader(bytes, from: index.lowerBound, to: index.upperBound)
        let keyArea = keyArea
        let keyAreaSize = index.upperBound - keyArea
        var low = 0
        var high = blockCount
        while low < high {
            let middle = (low + high) / 2
            let entry = index.lowerBound + 4 + middle * Self.indexEntrySize
            reader.offset = entry + 8
            let keyOffset = Int(try reader.readUInt32())
            guard keyOffset < keyAreaSize else {
                throw StorageError.corrupt(file: bytes.name, offset: entry + 8, reason: "index key offset \(keyOffset) out of range")
            }
            reader.offset = keyArea + keyOffset
            let length = try reader.readCount(limit: reader.remaining, "index key length")
            if reader.compare(count: length, with: key) <= 0 { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// An iterator over the terms of block `block`.
    func iterator(block: Int) throws -> TermBlockIterator {
        try TermBlockIterator(bytes, range: try blockRange(block))
    }

    /// Exact lookup of a full key.
    func lookup(_ key: [UInt8]) throws -> TermInfo? {
        try key.withUnsafeBufferPointer { try lookup(key: $0) }
    }

    /// Exact lookup of `term` in `field` (the key `field ‖ term`, built on the stack: no allocation).
    func lookup(field: UInt8, term: [UInt8]) throws -> TermInfo? {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: term.count + 1) { key in
            key[0] = field
            for (index, byte) in term.enumerated() { key[index + 1] = byte }
            return try lookup(key: UnsafeBufferPointer(key))
        }
    }

    private func lookup(key: UnsafeBufferPointer<UInt8>) throws -> TermInfo? {
        guard let block = try blockContaining(key: key) else { return nil }
        var iterator = try TermBlockIterator(bytes, range: try blockRange(block))
        return try iterator.seek(key)
    }

    /// Keys starting with `prefix`, ascending, at most `limit`.
    func scan(prefix: [UInt8], limit: Int) throws -> [(key: [UInt8], info: TermInfo)] {
        var results: [(key: [UInt8], info: TermInfo)] = []
        guard limit > 0, blockCount > 0 else { return results }
        var block = try blockContaining(prefix) ?? 0
        while block < blockCount {
            var iterator = try TermBlockIterator(bytes, range: try blockRange(block))
            while try iterator.next() {
                if iterator.keyStarts(with: prefix) {
                    results.append((iterator.key, iterator.info))
                    if results.count >= limit { return results }
                } else if iterator.compareKey(with: prefix) > 0 {
                    return results
                }
            }
            block += 1
        }
        return results
    }

    /// Lexicographic byte comparison: -1, 0 or 1.
    func compare(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        let limit = Swift.min(lhs.count, rhs.count)
        var index = 0
        while index < limit {
            if lhs[index] != rhs[index] { return lhs[index] < rhs[index] ? -1 : 1 }
            index += 1
        }
        return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
    }
}
