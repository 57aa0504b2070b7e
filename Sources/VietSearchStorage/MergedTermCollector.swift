/// Gathers one term's merged postings from its input segments in bulk, for `SegmentMerger`
/// (FORMAT.md, "Postings" and "Positions"). Each input's postings blocks are decoded whole and their
/// doc ids renumbered through the merge's doc map, and its position values are copied as stored: a
/// document's values (its first position, then each gap − 1) do not depend on any other document, so
/// the merged term's values are its inputs' live documents' values in order. `PostingsWriter` then
/// encodes them as they are (`positionsAreValues`), where the per-document path turned each document's
/// values into positions through a cursor and the writer turned them back into values.
/// The output is the same bytes as the per-document path's (tested).
struct MergedTermCollector {
    /// Per encoded document of the current input (deleted ones included): its id, frequency and whether it
    /// is live. Used only for inputs with deletes, whose dropped documents' values are skipped.
    private var docs: [UInt32] = []
    private var frequencies: [UInt32] = []
    private var live: [Bool] = []

    /// Appends the documents of `segment`'s list `info` (renumbered by `docMap`, deleted ones dropped),
    /// their frequencies and their position values to `buffer`, whose `positionsAreValues` must be set.
    /// Verifies the list's postings and positions checksums first, as a cursor does.
    mutating func append(_ info: TermInfo, of segment: SegmentReader, docMap: [UInt32],
                         to buffer: inout TermPostingsBuffer) throws {
        var cursor = try segment.postings(info)
        let hasDeletes = segment.deletions != nil
        if hasDeletes {
            docs.removeAll(keepingCapacity: true)
            frequencies.removeAll(keepingCapacity: true)
            live.removeAll(keepingCapacity: true)
        }
        var valueCount = 0
        try docMap.withUnsafeBufferPointer { map in
            for block in 0..<cursor.blockCount {
                try cursor.load(block: block)
                if cursor.packedFrequencies >= 0 { cursor.unpackFrequencies() }
                let length = cursor.blockLength
                cursor.docs.withUnsafeBufferPointer { docs in
                    cursor.frequencies.withUnsafeBufferPointer { blockFrequencies in
                        for slot in 0..<length {
                            // `load` checked every doc id against the segment's document count (the map's size).
                            let newDoc = map[Int(docs[slot])]
                            let frequency = blockFrequencies[slot]
                            valueCount += Int(frequency)
                            if hasDeletes {
                                self.docs.append(docs[slot])
                                frequencies.append(frequency)
                                live.append(newDoc != UInt32.max)
                                if newDoc == UInt32.max { continue }
                            }
                            buffer.docs.append(newDoc)
                            buffer.frequencies.append(frequency)
                        }
                    }
                }
            }
        }
        guard UInt64(valueCount) == info.totalTermFrequency else {
            throw StorageError.corrupt(file: segment.bytes.name, offset: cursor.positionsStart,
                                       reason: "term frequencies add up to \(valueCount), the term entry says \(info.totalTermFrequency) positions")
        }
        guard valueCount > 0 else { return }
        if let check = cursor.positionsCheck {
            try check.verify(cursor.positionsStart..<cursor.positionsEnd, checksum: cursor.positionsChecksum, what: "positions")
        }
        var decoder = PositionsDecoder(range: cursor.positionsStart..<cursor.positionsEnd, valueCount: info.totalTermFrequency)
        if !hasDeletes {
            var index = 0
            while index < valueCount {
                let count = Swift.min(PositionsDecoder.blockSize, valueCount - index)
                let values = try decoder.documentValues(count, at: index, bytes: segment.bytes, doc: 0)
                buffer.positions.append(contentsOf: UnsafeBufferPointer(start: values, count: count))
                index += count
            }
            return
        }
        var index = 0
        for (slot, frequency) in frequencies.enumerated() {
            if live[slot] {
                let values = try decoder.documentValues(Int(frequency), at: index, bytes: segment.bytes, doc: docs[slot])
                buffer.positions.append(contentsOf: UnsafeBufferPointer(start: values, count: Int(frequency)))
            }
            index += Int(frequency)
        }
    }
}
