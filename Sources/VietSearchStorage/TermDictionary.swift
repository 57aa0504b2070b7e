/// Reads the term dictionary (FORMAT.md, "Term dictionary"): binary search over the sparse index's
/// first keys, then a linear decode of one prefix-compressed block. Keys are field byte + term bytes.
struct TermDictionary {
    /// Index entry: blockOffset u64 + keyOffset u32 + blockChecksum u32.
    static let indexEntrySize = 16

    private let bytes: FileBytes
    private let blocks: Range<Int>
    private let index: Range<Int>
    let blockCount: Int
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
    }

    /// The byte range of block `block` inside the blocks section, its checksum verified: every decode
    /// of a block pays one CRC over its few hundred bytes, cheaper than decoding them.
    func blockRange(_ block: Int) throws -> Range<Int> {
        let entry = index.lowerBound + 4 + block * Self.indexEntrySize
        var reader = ByteReader(bytes, from: entry, to: index.upperBound)
        let start = try reader.readUInt64()
        try reader.skip(4)
        let checksum = try reader.readUInt32()
        var end = UInt64(blocks.count)
        if block + 1 < blockCount { end = try reader.readUInt64() }
        guard start < end, end <= UInt64(blocks.count) else {
            throw StorageError.corrupt(file: bytes.name, offset: entry,
                                       reason: "term block \(block) spans \(start)..<\(end) outside the \(blocks.count)-byte section")
        }
        let range = (blocks.lowerBound + Int(start))..<(blocks.lowerBound + Int(end))
        try bytes.verifyChecksum(of: range, expected: checksum, what: "term block \(block)")
        return range
    }

    /// Compares block `block`'s first key with `key` (-1, 0, 1) without copying it.
    func compareFirstKey(_ block: Int, with key: [UInt8]) throws -> Int {
        var reader = try firstKeyReader(block)
        let length = try reader.readCount(limit: reader.remaining, "index key length")
        return reader.compare(count: length, with: key)
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
        var low = 0
        var high = blockCount
        while low < high {
            let middle = (low + high) / 2
            if try compareFirstKey(middle, with: key) <= 0 { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// An iterator over the terms of block `block`.
    func iterator(block: Int) throws -> TermBlockIterator {
        try TermBlockIterator(bytes, range: try blockRange(block))
    }

    /// Exact lookup of a full key.
    func lookup(_ key: [UInt8]) throws -> TermInfo? {
        guard let block = try blockContaining(key) else { return nil }
        var iterator = try TermBlockIterator(bytes, range: try blockRange(block))
        while try iterator.next() {
            let order = iterator.compareKey(with: key)
            if order == 0 { return iterator.info }
            if order > 0 { return nil }
        }
        return nil
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

/// Decodes one prefix-compressed term block, one term per `next()`. The current key lives in a
/// reused buffer (`keyBuffer[0 ..< keyLength]`), overwritten in place from the shared prefix on.
struct TermBlockIterator {
    private var reader: ByteReader
    let termCount: Int
    private var decoded = 0
    private var keyBuffer: [UInt8] = []
    private var keyLength = 0
    private(set) var info = TermInfo(documentFrequency: 0, totalTermFrequency: 0, postingsOffset: 0, positionsOffset: 0)
    /// Offset of the current term's entry, for error messages.
    private(set) var entryOffset = 0
    /// Where the next term's postings and positions start: each entry's lengths advance them.
    private var nextPostingsOffset: UInt64 = 0
    private var nextPositionsOffset: UInt64 = 0

    init(_ bytes: FileBytes, range: Range<Int>) throws {
        reader = ByteReader(bytes, from: range.lowerBound, to: range.upperBound)
        termCount = try reader.readCount(limit: range.count, "term count")
        guard termCount > 0 else { throw reader.corrupt("empty term block", at: range.lowerBound) }
        nextPostingsOffset = try reader.readVarint()
        nextPositionsOffset = try reader.readVarint()
    }

    /// A copy of the current key.
    var key: [UInt8] { Array(keyBuffer[0..<keyLength]) }

    /// The current key's first byte (its field number); nil before the first term.
    var keyFieldByte: UInt8? { keyLength > 0 ? keyBuffer[0] : nil }

    /// Replaces `buffer` with the current key without its field byte, reusing the buffer's storage.
    func copyTermBytes(into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        if keyLength > 1 { buffer.append(contentsOf: keyBuffer[1..<keyLength]) }
    }

    /// Lexicographic comparison of the current key with `other`: -1, 0 or 1.
    func compareKey(with other: [UInt8]) -> Int {
        let limit = Swift.min(keyLength, other.count)
        var index = 0
        while index < limit {
            if keyBuffer[index] != other[index] { return keyBuffer[index] < other[index] ? -1 : 1 }
            index += 1
        }
        return keyLength == other.count ? 0 : (keyLength < other.count ? -1 : 1)
    }

    func keyStarts(with prefix: [UInt8]) -> Bool {
        guard prefix.count <= keyLength else { return false }
        var index = 0
        while index < prefix.count {
            if keyBuffer[index] != prefix[index] { return false }
            index += 1
        }
        return true
    }

    mutating func next() throws -> Bool {
        guard decoded < termCount else {
            guard reader.isAtEnd else { throw reader.corrupt("\(reader.remaining) unexpected bytes after the block's terms") }
            return false
        }
        entryOffset = reader.offset
        let shared = try reader.readCount(limit: keyLength, "shared prefix length")
        let suffix = try reader.readCount(limit: SegmentBuilder.maximumTermLength + 1 - shared, "suffix length")
        keyLength = shared + suffix
        if keyBuffer.count < keyLength {
            keyBuffer.append(contentsOf: repeatElement(0, count: keyLength - keyBuffer.count))
        }
        try reader.readBytes(suffix, into: &keyBuffer, at: shared)
        guard keyLength > 0 else { throw reader.corrupt("empty term key (no field byte)", at: entryOffset) }
        info.documentFrequency = try reader.readVarint32()
        let extra = try reader.readVarint()
        let (total, overflow) = UInt64(info.documentFrequency).addingReportingOverflow(extra)
        guard !overflow, info.documentFrequency > 0 else {
            throw reader.corrupt("term has document frequency \(info.documentFrequency), extra frequency \(extra)", at: entryOffset)
        }
        info.totalTermFrequency = total
        info.encodedDocumentFrequency = info.documentFrequency
        let lengthAndFlag = try reader.readVarint()
        info.postingsLength = lengthAndFlag >> 1
        info.positionsLength = try reader.readVarint()
        let isShared = lengthAndFlag & 1 == 1
        let sharedPostings = isShared ? try reader.readVarint() : 0
        let sharedPositions = isShared ? try reader.readVarint() : 0
        info.postingsChecksum = try reader.readUInt32()
        info.positionsChecksum = try reader.readUInt32()
        guard info.postingsLength > 0, info.positionsLength > 0 else {
            throw reader.corrupt("term postings/positions lengths \(info.postingsLength)/\(info.positionsLength) are empty", at: entryOffset)
        }
        if isShared {
            // Another term's data: the running offsets stay where they are.
            info.postingsOffset = sharedPostings
            info.positionsOffset = sharedPositions
        } else {
            let (postingsEnd, overflowA) = nextPostingsOffset.addingReportingOverflow(info.postingsLength)
            let (positionsEnd, overflowB) = nextPositionsOffset.addingReportingOverflow(info.positionsLength)
            guard !overflowA, !overflowB else {
                throw reader.corrupt("term postings/positions offsets overflow", at: entryOffset)
            }
            info.postingsOffset = nextPostingsOffset
            info.positionsOffset = nextPositionsOffset
            nextPostingsOffset = postingsEnd
            nextPositionsOffset = positionsEnd
        }
        decoded += 1
        return true
    }
}
