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
        try readEntryData()
        return true
    }

    /// On a fresh iterator: the info of the term whose key is `target`, nil when the block does not hold
    /// it. Keys are never rebuilt: with `matched` = the common prefix of the previous key and `target`
    /// (previous < target), a key sharing more than `matched` bytes with the previous one still sorts
    /// before `target`, one sharing fewer sorts after it (keys ascend), and only one sharing exactly
    /// `matched` bytes has its suffix compared, in place. Entries before the target are skipped on the
    /// block's raw bytes (bounds-checked, their lengths summed for the running offsets); the target's entry
    /// is decoded and validated like `next()` does. `SegmentReader.verify` validates every entry.
    mutating func seek(_ target: UnsafeBufferPointer<UInt8>) throws -> TermInfo? {
        let start = reader.offset
        let block = reader.remainingBytes
        var position = 0
        var matched = 0
        while decoded < termCount {
            entryOffset = start + position
            guard let shared = Self.varint(block, &position), shared <= UInt64(keyLength),
                  let suffixLength = Self.varint(block, &position),
                  suffixLength <= UInt64(SegmentBuilder.maximumTermLength + 1) - shared else {
                throw reader.corrupt("term key lengths are malformed", at: entryOffset)
            }
            let prefix = Int(shared), suffix = Int(suffixLength)
            keyLength = prefix + suffix
            guard keyLength > 0, suffix <= block.count - position else {
                throw reader.corrupt("term key of \(keyLength) bytes is empty or runs past the block", at: entryOffset)
            }
            var order = prefix < matched ? 1 : -1
            if prefix == matched {
                var index = 0
                let limit = Swift.min(suffix, target.count - prefix)
                while index < limit && block[position + index] == target[prefix + index] { index += 1 }
                if index < limit {
                    order = block[position + index] < target[prefix + index] ? -1 : 1
                } else {
                    order = keyLength == target.count ? 0 : (keyLength < target.count ? -1 : 1)
                }
                matched = prefix + index
            }
            position += suffix
            if order == 0 {
                reader.offset = start + position
                try readEntryData()
                return info
            }
            if order > 0 { return nil }
            try skipEntryData(block, &position)
        }
        return nil
    }

    /// Skips an entry's data (after its key) on the raw block, advancing the running offsets.
    @inline(__always)
    private mutating func skipEntryData(_ block: UnsafeRawBufferPointer, _ position: inout Int) throws {
        guard Self.varint(block, &position) != nil, Self.varint(block, &position) != nil,
              let lengthAndFlag = Self.varint(block, &position), let positionsLength = Self.varint(block, &position) else {
            throw reader.corrupt("term entry runs past the block", at: entryOffset)
        }
        if lengthAndFlag & 1 == 1 {
            guard Self.varint(block, &position) != nil, Self.varint(block, &position) != nil else {
                throw reader.corrupt("term entry runs past the block", at: entryOffset)
            }
        } else {
            let (postingsEnd, overflowA) = nextPostingsOffset.addingReportingOverflow(lengthAndFlag >> 1)
            let (positionsEnd, overflowB) = nextPositionsOffset.addingReportingOverflow(positionsLength)
            guard !overflowA, !overflowB else { throw reader.corrupt("term postings/positions offsets overflow", at: entryOffset) }
            nextPostingsOffset = postingsEnd
            nextPositionsOffset = positionsEnd
        }
        // The two checksums.
        guard block.count - position >= 8 else { throw reader.corrupt("term entry runs past the block", at: entryOffset) }
        position += 8
        decoded += 1
    }

    /// Unsigned LEB128 at `position` of `bytes`; nil when it runs past the end or past 64 bits.
    @inline(__always)
    private static func varint(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    /// Reads the current entry's statistics and lengths after its key; advances the running offsets.
    @inline(__always)
    private mutating func readEntryData() throws {
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
    }
}
