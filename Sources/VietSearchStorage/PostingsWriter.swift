#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Terms whose data is worth sharing, by lengths and checksums, within the current field (FORMAT.md,
    /// "Shared term data"): a folded key with a single exact spelling has the same postings and positions.
    private var written: [TermDataContent: WrittenData] = [:]
    /// Keys of `written` whose bytes are still in the buffers (no hash yet: `drain` computes it).
    private var unhashed: [TermDataContent] = []
    private var currentField: UInt8?
    /// Smaller data is cheaper to repeat than to reference (two absolute offsets in the term entry).
    static let minimumSharedBytes: UInt64 = 16

    private struct TermDataContent: Hashable {
        var postingsLength: UInt64
        var postingsChecksum: UInt32
        var positionsChecksum: UInt32
        var positionsLength: UInt64
    }

    /// A term whose data later terms may share. While its bytes are in the buffers, a candidate is
    /// compared with them byte for byte; once they are drained, with `hash`, a second, independent
    /// 64-bit hash of both byte strings (`contentHash`; with the two CRCs and the lengths, 128 bits must
    /// collide for two different lists to be taken as equal). Hashing every term's bytes up front cost
    /// more than the rare comparisons.
    private struct WrittenData {
        var location: TermDataLocation
        var hash: UInt64?
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
    mutating func append(_ buffer: TermView, field: UInt8, fieldLengths: [UInt32]) throws -> TermDataLocation {
        if field != currentField {
            written.removeAll(keepingCapacity: true)
            unhashed.removeAll(keepingCapacity: true)
            currentField = field
        }
        let postingsStart = postings.count
        let positionsStart = positions.count
        // `docs` holds the documents after the copied blocks, if any (whole blocks: the rest align).
        let count = buffer.docs.count
        let blockCount = (count + Self.blockSize - 1) / Self.blockSize
        blockBody.removeAll(keepingCapacity: true)

        // A list shorter than one block has no skip table: its bounds lead the tail instead.
        let hasSkipTable = buffer.documentCount >= Self.blockSize
        // A builder's decoded stream comes as position values already; a merge's as positions.
        if !buffer.positionsAreValues { Self.positionValues(of: buffer, into: &positionValues) }
        skipPositionIndices.removeAll(keepingCapacity: true)
        var previousDoc: Int64 = -1
        var positionIndex = 0
        // The skip entries' room, made once and filled through a pointer (24 byte appends per entry,
        // each with its uniqueness check, cost ~100 instructions an entry).
        let copiedBlocks = buffer.copiedPostings?.blockCount ?? 0
        if hasSkipTable { postings.appendZeros((copiedBlocks + blockCount) * Self.skipEntrySize) }
        if let copied = buffer.copiedPostings {
            // A merge's first input's whole blocks: their entries as stored (the positions block is
            // patched below like every entry's), their bytes as they are.
            for block in 0..<copied.blockCount {
                setSkipEntry(block, at: postingsStart, lastDoc: copied.entry(block, 0), maxFrequency: copied.entry(block, 1),
                             minFieldLength: copied.entry(block, 2), blockOffset: copied.entry(block, 3))
                skipPositionIndices.append(Int(copied.entry(block, 5)))
            }
            blockBody.append(contentsOf: copied.blocks.assumingMemoryBound(to: UInt8.self))
            previousDoc = Int64(copied.lastDoc)
            positionIndex = copied.frequencySum
        }
        // Raw buffers: the arrays' bounds and uniqueness checks cost as much as the encoding itself.
        let docs = buffer.docs, frequencies = buffer.frequencies
        try fieldLengths.withUnsafeBufferPointer { lengths in
            for block in 0..<blockCount {
                let start = block * Self.blockSize
                let end = Swift.min(count, start + Self.blockSize)
                var maxFrequency: UInt32 = 0
                var minFieldLength = UInt32.max
                var frequencySum = 0
                for index in start..<end {
                    maxFrequency = Swift.max(maxFrequency, frequencies[index])
                    frequencySum &+= Int(frequencies[index])
                    let doc = Int(docs[index])
                    minFieldLength = Swift.min(minFieldLength, doc < lengths.count ? lengths[doc] : 0)
                }
                guard blockBody.count <= Int(UInt32.max) else {
                    throw StorageError.limitExceeded("postings of one term exceed 4 GiB")
                }
                if hasSkipTable {
                    // The positions pair is known once the term's positions are encoded (patched below).
                    setSkipEntry(copiedBlocks + block, at: postingsStart, lastDoc: docs[end - 1], maxFrequency: maxFrequency,
                                 minFieldLength: minFieldLength, blockOffset: UInt32(blockBody.count))
                    skipPositionIndices.append(positionIndex)
                } else {
                    blockBody.appendVarint(maxFrequency)
                    blockBody.appendVarint(minFieldLength)
                }
                if end - start == Self.blockSize {
                    appendFullBlock(docs: docs, frequencies: frequencies, from: start, previousDoc: previousDoc)
                } else {
                    appendTail(docs: docs, frequencies: frequencies, from: start, to: end, previousDoc: previousDoc)
                }
                previousDoc = Int64(docs[end - 1])
                positionIndex += frequencySum
            }
        }
        positionBlockStarts.removeAll(keepingCapacity: true)
        if let copied = buffer.copiedPositions, buffer.positionsAreValues {
            // A merge's whole blocks that come out the same: their bytes, not their values packed again.
            for start in buffer.copiedBlockStarts { positionBlockStarts.append(positions.count + start) }
            positions.append(contentsOf: copied.assumingMemoryBound(to: UInt8.self))
        }
        if buffer.positionsAreValues {
            positionsEncoder.append(buffer.positions, to: &positions, blockStarts: &positionBlockStarts)
        } else {
            positionsEncoder.append(positionValues, to: &positions, blockStarts: &positionBlockStarts)
        }
        guard positions.count - positionsStart <= Int(UInt32.max) else {
            throw StorageError.limitExceeded("positions of one term exceed 4 GiB")
        }
        if hasSkipTable {
            // Each skip entry's positions: the start of the position block holding its first doc's first
            // value (relative to the term's positions), and that value's index.
            postings.withUnsafeMutableBytes { entries in
                for block in 0..<skipPositionIndices.count {
                    let field = postingsStart + block * Self.skipEntrySize + 16
                    let index = skipPositionIndices[block]
                    let blockStart = positionBlockStarts[index / PositionsDecoder.blockSize] - positionsStart
                    entries.storeBytes(of: UInt32(truncatingIfNeeded: blockStart).littleEndian, toByteOffset: field, as: UInt32.self)
                    entries.storeBytes(of: UInt32(truncatingIfNeeded: index).littleEndian, toByteOffset: field + 4, as: UInt32.self)
                }
            }
        }
        postings.append(contentsOf: blockBody)
        let location = TermDataLocation(
            postingsOffset: UInt64(postingsStart) + drainedPostings, postingsLength: UInt64(postings.count - postingsStart),
            postingsChecksum: CRC32.update(0, postings[postingsStart...]),
            positionsOffset: UInt64(positionsStart) + drainedPositions, positionsLength: UInt64(positions.count - positionsStart),
            positionsChecksum: CRC32.update(0, positions[positionsStart...]))
        guard location.postingsLength + location.positionsLength >= Self.minimumSharedBytes else { return location }
        let content = TermDataContent(postingsLength: location.postingsLength, postingsChecksum: location.postingsChecksum,
                                      positionsChecksum: location.positionsChecksum, positionsLength: location.positionsLength)
        guard let earlier = written[content] else {
            written[content] = WrittenData(location: location, hash: nil)
            unhashed.append(content)
            return location
        }
        if equalsLastTerm(earlier, postingsStart: postingsStart, positionsStart: positionsStart) {
            postings.removeSubrange(postingsStart...)
            positions.removeSubrange(positionsStart...)
            var shared = earlier.location
            shared.isShared = true
            return shared
        }
        return location
    }

    /// Writes skip entry `block` of the term whose postings start at `postingsStart` (its room made),
    /// all but the positions pair (zero until patched).
    @inline(__always)
    private mutating func setSkipEntry(_ block: Int, at postingsStart: Int, lastDoc: UInt32, maxFrequency: UInt32,
                                       minFieldLength: UInt32, blockOffset: UInt32) {
        let offset = postingsStart + block * Self.skipEntrySize
        postings.withUnsafeMutableBytes { entry in
            entry.storeBytes(of: lastDoc.littleEndian, toByteOffset: offset, as: UInt32.self)
            entry.storeBytes(of: maxFrequency.littleEndian, toByteOffset: offset + 4, as: UInt32.self)
            entry.storeBytes(of: minFieldLength.littleEndian, toByteOffset: offset + 8, as: UInt32.self)
            entry.storeBytes(of: blockOffset.littleEndian, toByteOffset: offset + 12, as: UInt32.self)
        }
    }

    /// True when the term just written (from `postingsStart` and `positionsStart` to the ends of the
    /// buffers) has the same bytes as `earlier` (same lengths and checksums).
    private func equalsLastTerm(_ earlier: WrittenData, postingsStart: Int, positionsStart: Int) -> Bool {
        if let hash = earlier.hash {
            return hash == Self.contentHash(postings[postingsStart...], positions[positionsStart...])
        }
        let earlierPostings = Int(earlier.location.postingsOffset - drainedPostings)
        let earlierPositions = Int(earlier.location.positionsOffset - drainedPositions)
        return Self.equalBytes(postings, earlierPostings, postingsStart, count: Int(earlier.location.postingsLength))
            && Self.equalBytes(positions, earlierPositions, positionsStart, count: Int(earlier.location.positionsLength))
    }

    private static func equalBytes(_ bytes: [UInt8], _ first: Int, _ second: Int, count: Int) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, count > 0 else { return true }
            return memcmp(base + first, base + second, count) == 0
        }
    }

    /// A full block of 128 postings: the two widths, then doc deltas − 1 and frequencies − 1 bit-packed.
    @inline(__always)
    private mutating func appendFullBlock(docs: UnsafeBufferPointer<UInt32>, frequencies: UnsafeBufferPointer<UInt32>,
                                          from start: Int, previousDoc: Int64) {
        var previous = previousDoc
        var deltaBits: UInt32 = 0
        var frequencyBits: UInt32 = 0
        deltas.withUnsafeMutableBufferPointer { deltaOut in
            frequencyValues.withUnsafeMutableBufferPointer { frequencyOut in
                for slot in 0..<Self.blockSize {
                    let doc = docs[start + slot]
                    let delta = UInt32(truncatingIfNeeded: Int64(doc) - previous - 1)
                    previous = Int64(doc)
                    let frequency = frequencies[start + slot] &- 1
                    deltaOut[slot] = delta
                    frequencyOut[slot] = frequency
                    deltaBits |= delta
                    frequencyBits |= frequency
                }
            }
        }
        // The width of the largest value is the width of all values OR-ed together.
        let deltaWidth = BitPacking.width(of: deltaBits)
        let frequencyWidth = BitPacking.width(of: frequencyBits)
        blockBody.append(UInt8(deltaWidth))
        blockBody.append(UInt8(frequencyWidth))
        BitPacking.pack(deltas, width: deltaWidth, into: &blockBody)
        BitPacking.pack(frequencyValues, width: frequencyWidth, into: &blockBody)
    }

    /// The varint tail: per posting `(docDelta − 1) << 1 | (tf == 1)`, then tf when it is not 1
    /// (Lucene's trick: most tail postings take one varint).
    @inline(__always)
    private mutating func appendTail(docs: UnsafeBufferPointer<UInt32>, frequencies: UnsafeBufferPointer<UInt32>,
                                     from start: Int, to end: Int, previousDoc: Int64) {
        // Room for the worst case (a 6-byte delta varint and a 5-byte tf each), written through a pointer.
        let bodyStart = blockBody.count
        let room = 11 * (end - start)
        blockBody.appendZeros(room)
        let written = blockBody.withUnsafeMutableBufferPointer { body -> Int in
            guard let base = body.baseAddress else { return 0 }
            var out = base + bodyStart
            var previous = previousDoc
            for index in start..<end {
                let delta = UInt64(Int64(docs[index]) - previous - 1)
                previous = Int64(docs[index])
                let frequency = frequencies[index]
                out = Self.writeVarint(delta << 1 | (frequency == 1 ? 1 : 0), to: out)
                if frequency != 1 { out = Self.writeVarint(UInt64(frequency), to: out) }
            }
            return out - (base + bodyStart)
        }
        blockBody.removeLast(room - written)
    }

    /// LEB128 (as `appendVarint`) at `out`; returns the byte after it.
    @inline(__always)
    static func writeVarint(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var rest = value
        var next = out
        while rest >= 0x80 {
            next.pointee = UInt8(truncatingIfNeeded: rest) | 0x80
            rest >>= 7
            next += 1
        }
        next.pointee = UInt8(truncatingIfNeeded: rest)
        return next + 1
    }

    /// The term's position values: per document its first position, then each gap − 1.
    private static func positionValues(of buffer: TermView, into values: inout [UInt32]) {
        values.removeAll(keepingCapacity: true)
        values.append(contentsOf: repeatElement(0, count: buffer.positions.count))
        let positions = buffer.positions, frequencies = buffer.frequencies
        values.withUnsafeMutableBufferPointer { out in
            var index = 0
            for frequency in frequencies {
                let end = index + Int(frequency)
                guard end <= positions.count else { return }
                var previous = positions[index]
                out[index] = previous
                index += 1
                while index < end {
                    let position = positions[index]
                    out[index] = position &- previous &- 1
                    previous = position
                    index += 1
                }
            }
        }
    }

    /// Makes room for this many bytes in each section before writing (they grow as needed past it).
    mutating func reserveCapacity(postings postingsBytes: Int, positions positionsBytes: Int) {
        postings.reserveCapacity(postingsBytes)
        positions.reserveCapacity(positionsBytes)
    }

    /// Hands out the bytes written so far and empties the buffers; later offsets keep counting from
    /// the start of the sections. Call between terms only.
    mutating func drain() -> (postings: [UInt8], positions: [UInt8]) {
        hashUnhashedTerms()
        let result = (postings, positions)
        drainedPostings += UInt64(postings.count)
        drainedPositions += UInt64(positions.count)
        postings.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        return result
    }

    /// As `drain()`, handing the bytes to `consume` in place: the buffers stay this writer's only
    /// references, so emptying them keeps their memory (handing them out as arrays made the next
    /// term's writes allocate and fault in fresh 1 MiB buffers, copy on write).
    mutating func drain(_ consume: (_ postings: UnsafeRawBufferPointer, _ positions: UnsafeRawBufferPointer) throws -> Void) rethrows {
        hashUnhashedTerms()
        try postings.withUnsafeBytes { postingsBytes in
            try positions.withUnsafeBytes { positionsBytes in try consume(postingsBytes, positionsBytes) }
        }
        drainedPostings += UInt64(postings.count)
        drainedPositions += UInt64(positions.count)
        postings.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
    }

    /// Terms later ones may share are compared by hash once their bytes are gone.
    private mutating func hashUnhashedTerms() {
        for content in unhashed {
            guard var entry = written[content] else { continue }
            let postingsStart = Int(entry.location.postingsOffset - drainedPostings)
            let positionsStart = Int(entry.location.positionsOffset - drainedPositions)
            entry.hash = Self.contentHash(postings[postingsStart..<(postingsStart + Int(entry.location.postingsLength))],
                                          positions[positionsStart..<(positionsStart + Int(entry.location.positionsLength))])
            written[content] = entry
        }
        unhashed.removeAll(keepingCapacity: true)
    }
}
