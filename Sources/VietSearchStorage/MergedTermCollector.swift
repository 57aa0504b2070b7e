/// Gathers one term's merged postings from its input segments in bulk, for `SegmentMerger`
/// (FORMAT.md, "Postings" and "Positions"). Each input's postings blocks are decoded whole and their
/// doc ids renumbered through the merge's doc map, and its position values are copied as stored: a
/// document's values (its first position, then each gap − 1) do not depend on any other document, so
/// the merged term's values are its inputs' live documents' values in order. `PostingsWriter` then
/// encodes them as they are (`positionsAreValues`), where the per-document path turned each document's
/// values into positions through a cursor and the writer turned them back into values.
/// The output is the same bytes as the per-document path's (tested).
struct MergedTermCollector {
    /// Per encoded document of the current input (deleted ones included): its id, frequency and whether
    /// it is live. Used only for inputs with deletes, whose dropped documents' values are skipped.
    private var docs: [UInt32] = []
    private var frequencies: [UInt32] = []
    private var live: [Bool] = []
    /// Reused across terms and inputs (`restart`), with its memory for unpacked values.
    private var decoder = PositionsDecoder(range: 0..<0, valueCount: 0)

    /// Appends the documents of `segment`'s list `info` (renumbered by `docMap`, deleted ones dropped),
    /// their frequencies and their position values to `buffer`, whose `positionsAreValues` must be set.
    /// Verifies the list's postings and positions checksums first, as a cursor does.
    mutating func append(_ info: TermInfo, of segment: SegmentReader, docMap: [UInt32],
                         to buffer: inout TermPostingsBuffer) throws {
        let bytes = segment.bytes
        let postingsSection = segment.layout.range(.postings), positionsSection = segment.layout.range(.positions)
        guard info.postingsOffset <= UInt64(postingsSection.count), info.postingsLength <= UInt64(postingsSection.count) - info.postingsOffset,
              info.positionsOffset <= UInt64(positionsSection.count), info.positionsLength <= UInt64(positionsSection.count) - info.positionsOffset,
              info.encodedDocumentFrequency <= segment.layout.documentCount else {
            throw StorageError.corrupt(file: bytes.name, offset: postingsSection.lowerBound,
                                       reason: "term postings \(info.postingsOffset)+\(info.postingsLength) (df \(info.encodedDocumentFrequency)) or positions \(info.positionsOffset)+\(info.positionsLength) do not fit their sections")
        }
        let positions = (positionsSection.lowerBound + Int(info.positionsOffset))..<(positionsSection.lowerBound + Int(info.positionsOffset + info.positionsLength))
        let hasDeletes = segment.deletions != nil
        if hasDeletes {
            docs.removeAll(keepingCapacity: true)
            frequencies.removeAll(keepingCapacity: true)
            live.removeAll(keepingCapacity: true)
        }
        var listLength = Int(info.encodedDocumentFrequency)
        var valueCount = 0
        var cursor: PostingsCursor?
        var firstDecodedBlock = 0
        if listLength >= PostingsWriter.blockSize {
            let opened = try segment.postings(info)
            // The term's first input, its doc ids unchanged (first in the merge, no deletes): its whole
            // blocks are the merged term's first blocks, copied as bytes rather than decoded and packed again.
            if !hasDeletes && buffer.documentCount == 0 && docMap.first == 0 {
                let copied = try Self.wholeBlocks(of: info, in: segment, postingsSection: postingsSection)
                buffer.copiedPostings = copied
                firstDecodedBlock = copied.blockCount
                listLength -= copied.documentCount
                valueCount = copied.frequencySum
            }
            cursor = opened
        }
        // Room for every document of the list, written through pointers, the unused end cut afterwards.
        let firstSlot = buffer.docs.count
        buffer.docs.append(contentsOf: repeatElement(0, count: listLength))
        buffer.frequencies.append(contentsOf: repeatElement(0, count: listLength))
        var taken = 0
        try docMap.withUnsafeBufferPointer { map in
            try buffer.docs.withUnsafeMutableBufferPointer { outDocs in
                try buffer.frequencies.withUnsafeMutableBufferPointer { outFrequencies in
                    guard let docBase = outDocs.baseAddress, let frequencyBase = outFrequencies.baseAddress else { return }
                    let docOut = docBase + firstSlot, frequencyOut = frequencyBase + firstSlot
                    // Doc ids were checked against the segment's document count (the map's size) as decoded.
                    @inline(__always) func take(_ doc: UInt32, _ frequency: UInt32) {
                        let newDoc = map[Int(doc)]
                        valueCount += Int(frequency)
                        if hasDeletes {
                            docs.append(doc)
                            frequencies.append(frequency)
                            live.append(newDoc != UInt32.max)
                            if newDoc == UInt32.max { return }
                        }
                        docOut[taken] = newDoc
                        frequencyOut[taken] = frequency
                        taken += 1
                    }
                    if var cursor, let base = Self.consecutiveBase(of: map, hasDeletes: hasDeletes) {
                        // No deletes: every doc is renumbered to base + doc, so whole blocks are copied
                        // with the base added (a loop the compiler vectorises), not taken one by one.
                        var frequencySum: UInt64 = 0
                        for block in firstDecodedBlock..<cursor.blockCount {
                            try cursor.load(block: block)
                            if cursor.packedFrequencies >= 0 { cursor.unpackFrequencies() }
                            let length = cursor.blockLength
                            cursor.docs.withUnsafeBufferPointer { docs in
                                cursor.frequencies.withUnsafeBufferPointer { blockFrequencies in
                                    guard let docs = docs.baseAddress, let blockFrequencies = blockFrequencies.baseAddress else { return }
                                    let docTarget = docOut + taken, frequencyTarget = frequencyOut + taken
                                    for slot in 0..<length {
                                        docTarget[slot] = docs[slot] &+ base
                                        let frequency = blockFrequencies[slot]
                                        frequencyTarget[slot] = frequency
                                        frequencySum &+= UInt64(frequency)
                                    }
                                }
                            }
                            taken += length
                        }
                        valueCount += Int(clamping: frequencySum)
                    } else if var cursor {
                        for block in firstDecodedBlock..<cursor.blockCount {
                            try cursor.load(block: block)
                            if cursor.packedFrequencies >= 0 { cursor.unpackFrequencies() }
                            let length = cursor.blockLength
                            cursor.docs.withUnsafeBufferPointer { docs in
                                cursor.frequencies.withUnsafeBufferPointer { blockFrequencies in
                                    for slot in 0..<length { take(docs[slot], blockFrequencies[slot]) }
                                }
                            }
                        }
                    } else {
                        let postings = (postingsSection.lowerBound + Int(info.postingsOffset))..<(postingsSection.lowerBound + Int(info.postingsOffset + info.postingsLength))
                        try bytes.verifyChecksum(of: postings, expected: info.postingsChecksum, what: "postings")
                        try Self.decodeShortList(listLength, in: bytes, postings, documentCount: segment.layout.documentCount, take)
                    }
                }
            }
        }
        buffer.docs.removeLast(listLength - taken)
        buffer.frequencies.removeLast(listLength - taken)
        guard UInt64(valueCount) == info.totalTermFrequency else {
            throw StorageError.corrupt(file: bytes.name, offset: positions.lowerBound,
                                       reason: "term frequencies add up to \(valueCount), the term entry says \(info.totalTermFrequency) positions")
        }
        guard valueCount > 0 else { return }
        decoder.restart(range: positions, valueCount: info.totalTermFrequency)
        if !hasDeletes {
            var index = 0
            // The term's first values: this input's packed blocks are the merged term's first blocks.
            if buffer.positions.isEmpty && buffer.copiedPositions == nil && valueCount >= PositionsDecoder.blockSize {
                index = try Self.copyBlocks(valueCount / PositionsDecoder.blockSize, of: &decoder, positions, in: bytes,
                                       expected: info.positionsChecksum, to: &buffer)
            } else {
                try bytes.verifyChecksum(of: positions, expected: info.positionsChecksum, what: "positions")
            }
            while index < valueCount {
                let count = Swift.min(PositionsDecoder.blockSize, valueCount - index)
                let values = try decoder.documentValues(count, at: index, bytes: bytes, doc: 0)
                buffer.positions.append(contentsOf: UnsafeBufferPointer(start: values, count: count))
                index += count
            }
            return
        }
        try bytes.verifyChecksum(of: positions, expected: info.positionsChecksum, what: "positions")
        var index = 0
        for (slot, frequency) in frequencies.enumerated() {
            if live[slot] {
                let values = try decoder.documentValues(Int(frequency), at: index, bytes: bytes, doc: docs[slot])
                buffer.positions.append(contentsOf: UnsafeBufferPointer(start: values, count: Int(frequency)))
            }
            index += Int(frequency)
        }
    }

    /// The new number of an input's doc 0 when the input has no deletes and `map` numbers its docs
    /// consecutively from there (as `SegmentMerger` does), else nil. Checked at the ends: the map ascends.
    @inline(__always)
    private static func consecutiveBase(of map: UnsafeBufferPointer<UInt32>, hasDeletes: Bool) -> UInt32? {
        guard !hasDeletes, let first = map.first, let last = map.last, first != UInt32.max, last != UInt32.max,
              Int(last) - Int(first) == map.count - 1 else { return nil }
        return first
    }

    /// The full blocks of the list `info` (every block when its length is a multiple of 128, else all but
    /// the tail), for copying. The cursor that opened the list verified its checksum; the copied entries
    /// and blocks are checked as a reader would need them: entries inside the list, block 0 at offset 0,
    /// offsets ascending to the next block's, each block exactly its two widths' size, last docs
    /// ascending below the document count, at least one value per document.
    private static func wholeBlocks(of info: TermInfo, in segment: SegmentReader, postingsSection: Range<Int>) throws -> CopiedPostingsBlocks {
        let bytes = segment.bytes
        let listLength = Int(info.encodedDocumentFrequency)
        let blockCount = (listLength + PostingsWriter.blockSize - 1) / PostingsWriter.blockSize
        let fullBlocks = listLength / PostingsWriter.blockSize
        let start = postingsSection.lowerBound + Int(info.postingsOffset)
        let end = start + Int(info.postingsLength)
        let blocksStart = start + blockCount * PostingsWriter.skipEntrySize
        func corrupt(_ reason: String) -> StorageError {
            StorageError.corrupt(file: bytes.name, offset: start, reason: "postings copied by the merge: \(reason)")
        }
        guard let base = bytes.base, end <= bytes.count, blocksStart <= end else { throw corrupt("skip entries outside the list") }
        let entries = UnsafeRawBufferPointer(start: base + start, count: fullBlocks * PostingsWriter.skipEntrySize)
        var copied = CopiedPostingsBlocks(skipEntries: entries, blocks: UnsafeRawBufferPointer(start: base + blocksStart, count: 0),
                                          blockCount: fullBlocks, frequencySum: 0, lastDoc: 0)
        func entry(_ block: Int, _ field: Int) -> Int {
            Int(UInt32(littleEndian: (base + start).loadUnaligned(fromByteOffset: block * PostingsWriter.skipEntrySize + 4 * field, as: UInt32.self)))
        }
        var previousLastDoc = -1
        var previousIndex = 0
        for block in 0..<fullBlocks {
            let offset = entry(block, 3)
            let next = block + 1 < blockCount ? entry(block + 1, 3) : end - blocksStart
            guard block > 0 || offset == 0, offset + 2 <= next, blocksStart + next <= end else { throw corrupt("block \(block)'s offsets") }
            let deltaWidth = Int(base.load(fromByteOffset: blocksStart + offset, as: UInt8.self))
            let frequencyWidth = Int(base.load(fromByteOffset: blocksStart + offset + 1, as: UInt8.self))
            guard deltaWidth <= 32, frequencyWidth <= 32,
                  next - offset == 2 + BitPacking.byteCount(count: PostingsWriter.blockSize, width: deltaWidth)
                    + BitPacking.byteCount(count: PostingsWriter.blockSize, width: frequencyWidth) else {
                throw corrupt("block \(block)'s size does not match its widths \(deltaWidth)/\(frequencyWidth)")
            }
            // 128 ascending docs of at least one value each.
            let lastDoc = entry(block, 0), index = entry(block, 5)
            guard lastDoc >= previousLastDoc + PostingsWriter.blockSize, lastDoc < Int(segment.layout.documentCount),
                  block == 0 ? index == 0 : index >= previousIndex + PostingsWriter.blockSize else {
                throw corrupt("block \(block)'s last doc \(lastDoc) or value index \(index)")
            }
            previousLastDoc = lastDoc
            previousIndex = index
            copied.blocks = UnsafeRawBufferPointer(start: base + blocksStart, count: next)
        }
        let frequencySum = fullBlocks < blockCount ? entry(fullBlocks, 5) : Int(clamping: info.totalTermFrequency)
        guard frequencySum >= previousIndex + PostingsWriter.blockSize, UInt64(frequencySum) <= info.totalTermFrequency else {
            throw corrupt("value index \(frequencySum) after the copied blocks")
        }
        copied.frequencySum = frequencySum
        copied.lastDoc = UInt32(previousLastDoc)
        return copied
    }

    /// Hands the first `blockCount` packed blocks of the term's positions `range` to `buffer` as bytes to
    /// copy (their values are the merged term's first ones, so the writer would cut and pack the same
    /// blocks again), after verifying the whole range's checksum; returns the index of the first value
    /// left to decode. Block headers are read bounds-checked (`PositionsDecoder.blockStart`).
    private static func copyBlocks(_ blockCount: Int, of decoder: inout PositionsDecoder, _ range: Range<Int>, in bytes: FileBytes,
                            expected checksum: UInt32, to buffer: inout TermPostingsBuffer) throws -> Int {
        buffer.copiedBlockStarts.removeAll(keepingCapacity: true)
        for block in 0..<blockCount { buffer.copiedBlockStarts.append(try decoder.blockStart(block, bytes: bytes)) }
        let copiedEnd = try decoder.blockStart(blockCount, bytes: bytes)
        try bytes.verifyChecksum(of: range, expected: checksum, what: "positions")
        guard let base = bytes.base, range.upperBound <= bytes.count, copiedEnd <= range.count else {
            throw StorageError.corrupt(file: bytes.name, offset: range.lowerBound, reason: "positions blocks run past the term's positions")
        }
        buffer.copiedPositions = UnsafeRawBufferPointer(start: base + range.lowerBound, count: copiedEnd)
        return blockCount * PositionsDecoder.blockSize
    }

    /// Decodes a list shorter than one block (its bounds, then `count` varint tail docs; FORMAT.md,
    /// "Postings") with the checks `PostingsCursor.load` makes, handing each doc and frequency to `take`.
    private static func decodeShortList(_ count: Int, in bytes: FileBytes, _ postings: Range<Int>, documentCount: UInt32,
                                        _ take: (UInt32, UInt32) -> Void) throws {
        var reader = ByteReader(bytes, from: postings.lowerBound, to: postings.upperBound)
        _ = try reader.readVarint32()
        _ = try reader.readVarint32()
        var current: Int64 = -1
        for _ in 0..<count {
            let entryStart = reader.offset
            let code = try reader.readVarint()
            current += Int64(code >> 1) + 1
            guard code >> 1 < UInt64(UInt32.max), current < Int64(documentCount) else {
                throw reader.corrupt("doc id in block 0 is not below the document count \(documentCount)", at: entryStart)
            }
            var frequency: UInt32 = 1
            if code & 1 == 0 {
                frequency = try reader.readVarint32()
                guard frequency >= 2 else { throw reader.corrupt("explicit term frequency \(frequency) below 2", at: entryStart) }
            }
            take(UInt32(current), frequency)
        }
    }
}
