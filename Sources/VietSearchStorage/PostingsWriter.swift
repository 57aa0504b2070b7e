/// Where one term's postings and positions were written, with their checksums (a term entry's data).
struct TermDataLocation {
    var postingsOffset: UInt64
    var postingsLength: UInt64
    var postingsChecksum: UInt32
    var positionsOffset: UInt64
    var positionsLength: UInt64
    var positionsChecksum: UInt32
    /// The term reuses an earlier term's identical bytes (written once, referenced twice).
    var isShared = false
}

/// Serialises one term's postings and positions (FORMAT.md, "Postings" and "Positions").
/// Reuses its scratch buffers across terms so serialisation allocates per segment, not per posting.
struct PostingsWriter {
    /// Documents per bit-packed block; the last `count % 128` documents form a varint tail.
    static let blockSize = 128
    /// lastDoc u32, maxTF u32, minFieldLength u32, blockOffset u32, positionsBlockOffset u32,
    /// positionsIndex u32: 24 bytes.
    static let skipEntrySize = 24

    /// The postings section being built.
    private(set) var postings: [UInt8] = []
    /// The positions section being built.
    private(set) var positions: [UInt8] = []

    /// Bytes already handed out by `drain()` (a streaming merge spools them to disk between terms).
    private var drainedPostings: UInt64 = 0
    private var drainedPositions: UInt64 = 0

    /// Terms whose data is worth sharing, by content, within the current field (FORMAT.md, "Shared
    /// term data"): a folded key with a single exact spelling has the same postings and positions.
    private var written: [TermDataContent: TermDataLocation] = [:]
    private var currentField: UInt8?
    /// Smaller data is cheaper to repeat than to reference (two absolute offsets in the term entry).
    static let minimumSharedBytes: UInt64 = 16

    private struct TermDataContent: Hashable {
        var postingsLength: UInt64
        var positionsLength: UInt64
        var postingsChecksum: UInt32
        var positionsChecksum: UInt32
        /// A second, independent 64-bit hash of both byte strings: with the two CRCs and the lengths,
        /// 128 bits must collide for two different lists to be taken as equal.
        var hash: UInt64
    }

    private var blockBody: [UInt8] = []
    /// The term's position values (per doc its first position, then gaps − 1) and where each position
    /// block starts in `positions`.
    private var positionValues: [UInt32] = []
    private var positionBlockStarts: [Int] = []
    /// Per postings block, the index of its first doc's first position value.
    private var skipPositionIndices: [Int] = []
    private var positionsEncoder = PositionsEncoder()
    private var deltas = [UInt32](repeating: 0, count: blockSize)
    private var frequencyValues = [UInt32](repeating: 0, count: blockSize)

    /// Appends the term's postings and positions; returns where they lie within the two sections.
    /// When the same bytes were already written for an earlier term of `field`, they are not written again
    /// and the earlier location is returned, marked shared.
    mutating func append(_ buffer: TermPostingsBuffer, field: UInt8, fieldLengths: [UInt32]) throws -> TermDataLocation {
        if field != currentField {
            written.removeAll(keepingCapacity: true)
            currentField = field
        }
        let postingsStart = postings.count
        let positionsStart = positions.count
        let count = buffer.docs.count
        let blockCount = (count + Self.blockSize - 1) / Self.blockSize
        blockBody.removeAll(keepingCapacity: true)

        // A list shorter than one block has no skip table: its bounds lead the tail instead.
        let hasSkipTable = count >= Self.blockSize
        var previousDoc: Int64 = -1
        var positionIndex = 0
        positionValues.removeAll(keepingCapacity: true)
        skipPositionIndices.removeAll(keepingCapacity: true)
        for block in 0..<blockCount {
            let start = block * Self.blockSize
            let end = Swift.min(count, start + Self.blockSize)
            var maxFrequency: UInt32 = 0
            var minFieldLength = UInt32.max
            for index in start..<end {
                maxFrequency = Swift.max(maxFrequency, buffer.frequencies[index])
                let doc = Int(buffer.docs[index])
                minFieldLength = Swift.min(minFieldLength, doc < fieldLengths.count ? fieldLengths[doc] : 0)
            }
            guard blockBody.count <= Int(UInt32.max) else {
                throw StorageError.limitExceeded("postings of one term exceed 4 GiB")
            }
            if hasSkipTable {
                postings.appendUInt32(buffer.docs[end - 1])
                postings.appendUInt32(maxFrequency)
                postings.appendUInt32(minFieldLength)
                postings.appendUInt32(UInt32(blockBody.count))
                // The positions pair is known once the term's positions are encoded (patched below).
                skipPositionIndices.append(positionValues.count)
                postings.appendUInt64(0)
            } else {
                blockBody.appendVarint(maxFrequency)
                blockBody.appendVarint(minFieldLength)
            }

            if end - start == Self.blockSize {
                var deltaWidth = 0
                var frequencyWidth = 0
                for index in start..<end {
                    let delta = UInt32(Int64(buffer.docs[index]) - previousDoc - 1)
                    previousDoc = Int64(buffer.docs[index])
                    deltas[index - start] = delta
                    frequencyValues[index - start] = buffer.frequencies[index] - 1
                    deltaWidth = Swift.max(deltaWidth, BitPacking.width(of: delta))
                    frequencyWidth = Swift.max(frequencyWidth, BitPacking.width(of: buffer.frequencies[index] - 1))
                }
                blockBody.append(UInt8(deltaWidth))
                blockBody.append(UInt8(frequencyWidth))
                BitPacking.pack(deltas, width: deltaWidth, into: &blockBody)
                BitPacking.pack(frequencyValues, width: frequencyWidth, into: &blockBody)
            } else {
                // Lucene's trick: the low bit of the doc delta says "tf is 1", the common case,
                // so most tail postings take one varint.
                for index in start..<end {
                    let delta = UInt64(Int64(buffer.docs[index]) - previousDoc - 1)
                    previousDoc = Int64(buffer.docs[index])
                    let frequency = buffer.frequencies[index]
                    blockBody.appendVarint(delta << 1 | (frequency == 1 ? 1 : 0))
                    if frequency != 1 { blockBody.appendVarint(frequency) }
                }
            }
            for index in start..<end {
                var previousPosition: UInt32 = 0
                for offset in 0..<Int(buffer.frequencies[index]) {
                    let position = buffer.positions[positionIndex + offset]
                    positionValues.append(offset == 0 ? position : position - previousPosition - 1)
                    previousPosition = position
                }
                positionIndex += Int(buffer.frequencies[index])
            }
        }
        guard positionValues.count <= Int(UInt32.max) else {
            throw StorageError.limitExceeded("positions of one term exceed 2^32 values")
        }
        positionsEncoder.append(positionValues, to: &positions, blockStarts: &positionBlockStarts)
        guard positions.count - positionsStart <= Int(UInt32.max) else {
            throw StorageError.limitExceeded("positions of one term exceed 4 GiB")
        }
        if hasSkipTable {
            // Each skip entry's positions: the start of the position block holding its first doc's first
            // value (relative to the term's positions), and that value's index.
            for block in 0..<blockCount {
                let field = postingsStart + block * Self.skipEntrySize + 16
                let index = skipPositionIndices[block]
                let blockStart = positionBlockStarts[index / PositionsDecoder.blockSize] - positionsStart
                postings.setUInt32(UInt32(blockStart), at: field)
                postings.setUInt32(UInt32(index), at: field + 4)
            }
        }
        postings.append(contentsOf: blockBody)
        let location = TermDataLocation(
            postingsOffset: UInt64(postingsStart) + drainedPostings, postingsLength: UInt64(postings.count - postingsStart),
            postingsChecksum: CRC32.update(0, postings[postingsStart...]),
            positionsOffset: UInt64(positionsStart) + drainedPositions, positionsLength: UInt64(positions.count - positionsStart),
            positionsChecksum: CRC32.update(0, positions[positionsStart...]))
        guard location.postingsLength + location.positionsLength >= Self.minimumSharedBytes else { return location }
        let content = TermDataContent(postingsLength: location.postingsLength, positionsLength: location.positionsLength,
                                      postingsChecksum: location.postingsChecksum, positionsChecksum: location.positionsChecksum,
                                      hash: Self.contentHash(postings[postingsStart...], positions[positionsStart...]))
        if var earlier = written[content] {
            postings.removeSubrange(postingsStart...)
            positions.removeSubrange(positionsStart...)
            earlier.isShared = true
            return earlier
        }
        written[content] = location
        return location
    }

    /// FNV-1a over both byte strings (deterministic, unlike `Hasher`, so a segment's bytes do not depend
    /// on the process).
    private static func contentHash(_ first: ArraySlice<UInt8>, _ second: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in first { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x100_0000_01b3
        for byte in second { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// Hands out the bytes written so far and empties the buffers; later offsets keep counting from
    /// the start of the sections. Call between terms only.
    mutating func drain() -> (postings: [UInt8], positions: [UInt8]) {
        let result = (postings, positions)
        drainedPostings += UInt64(postings.count)
        drainedPositions += UInt64(positions.count)
        postings.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        return result
    }
}
