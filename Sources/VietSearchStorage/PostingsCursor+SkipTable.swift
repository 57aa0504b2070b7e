/// The skip table side of `PostingsCursor`: per-block bounds for dynamic pruning and whole-list scans
/// that need no per-document calls. Layout: FORMAT.md, "Postings".
extension PostingsCursor {
    /// The largest doc id of the current 128-doc block and the block's best (tf, field length) pair,
    /// for block-max pruning (issue 4). Valid after a move.
    package var blockMaxImpact: (lastDoc: UInt32, termFrequency: UInt32, fieldLength: UInt32) {
        (skipEntry.lastDoc, skipEntry.maxFrequency, skipEntry.minFieldLength)
    }

    /// Number of documents in the postings list.
    package var count: Int { documentFrequency }

    /// Calls `body` with every block's (max term frequency, min field length), which bound the BM25 of
    /// any document of the block; for a whole-list score bound (MaxScore). Reads only the skip table
    /// (or the single block's header), never the postings.
    package func forEachBlockBound(_ body: (_ maxFrequency: UInt32, _ minFieldLength: UInt32) -> Void) throws {
        guard blockCount > 0 else { return }
        if hasSkipTable {
            for index in 0..<blockCount {
                var entry = ByteReader(bytes, from: skipTable + index * PostingsWriter.skipEntrySize + 4, to: blocksStart)
                let maxFrequency = try entry.readUInt32()
                body(maxFrequency, try entry.readUInt32())
            }
        } else {
            var reader = ByteReader(bytes, from: blocksStart, to: postingsEnd)
            let maxFrequency = try reader.readVarint32()
            body(maxFrequency, try reader.readVarint32())
        }
    }

    /// Number of 128-doc blocks (see `blockBounds`).
    package var blockTotal: Int { blockCount }

    /// Block `index`'s last doc id and best (tf, field length) pair, which bound the BM25 of its documents,
    /// read from the skip table alone (block-max pruning, issue 4). A list without a skip table is one
    /// block whose header holds the pair; its last doc is not known without decoding: `noMoreDocs - 1`.
    package func blockBounds(_ index: Int) throws -> (lastDoc: UInt32, maxFrequency: UInt32, minFieldLength: UInt32) {
        try skipTableView.blockBounds(index)
    }

    /// The skip table alone, as a small value a scorer can keep beside the cursor: reading a block's bounds
    /// through the cursor held in a mutable struct copied the whole cursor (~250 bytes, five references
    /// retained and released) on every call (callgrind, session 8: ~500 instructions a block-max step).
    package var skipTableView: PostingsSkipTable {
        PostingsSkipTable(bytes: bytes, skipTable: skipTable, blocksStart: blocksStart, postingsEnd: postingsEnd,
                          blockCount: blockCount, hasSkipTable: hasSkipTable)
    }

    /// Sets bit `doc` of `bits` (64 docs per word) for every remaining live document of the list, block by
    /// block without per-document calls (exact hit counts when scoring skips documents). Call it on a
    /// fresh cursor; it leaves the cursor exhausted.
    package mutating func markRemainingDocs(in bits: inout [UInt64]) throws {
        while block + 1 < blockCount {
            // Frequencies are not unpacked (the cursor ends exhausted, so nothing reads them).
            try load(block: block + 1, frequencies: false)
            try markLoadedBlock(in: &bits)
        }
        _ = finish()
    }

    /// `markRemainingDocs` for a cursor still on the list's first live document (a copy of a cursor that
    /// has not moved since its first `nextDoc`): its loaded block is marked too, whole, so no new cursor is
    /// opened and that block not decoded again. Leaves the cursor exhausted.
    package mutating func markAllDocsFromFirst(in bits: inout [UInt64]) throws {
        if block >= 0 { try markLoadedBlock(in: &bits) }
        try markRemainingDocs(in: &bits)
    }

    /// Sets the bits of the loaded block's live documents.
    private func markLoadedBlock(in bits: inout [UInt64]) throws {
        let wordCount = bits.count
        let length = blockLength
        try bits.withUnsafeMutableBufferPointer { words in
            try docs.withUnsafeBufferPointer { ids in
                guard length <= ids.count, let target = words.baseAddress else { return }
                if deletions == nil {
                    // Counting marks every document of the lists (and2: most of a query's instructions were
                    // here): the block's largest id is checked once, then each id is a load, shift and OR,
                    // with no per-id branch (callgrind, session 8).
                    var largest: UInt32 = 0
                    for slot in 0..<length { largest = Swift.max(largest, ids[slot]) }
                    if Int(largest) >> 6 < wordCount {
                        for slot in 0..<length {
                            let doc = Int(ids[slot])
                            target[doc >> 6] |= 1 << UInt64(doc & 63)
                        }
                        return
                    }
                }
                for slot in 0..<length {
                    let doc = Int(ids[slot])
                    if let deletions, deletions.contains(ids[slot]) { continue }
                    guard doc >> 6 < wordCount else {
                        throw StorageError.limitExceeded("doc \(doc) is outside the \(wordCount * 64)-document bitset")
                    }
                    words[doc >> 6] |= 1 << UInt64(doc & 63)
                }
            }
        }
    }

    /// Block `index`'s last doc id from its skip entry. Inlined: `load` and `advanceStored` (mutating)
    /// called it as a method on the whole cursor, which copied the cursor (321 bytes, a `memcpy` and a
    /// retain) per call: 1.8% of a sparse-candidate phrase loop's samples (perf, session 15).
    @inline(__always)
    func lastDoc(ofBlock index: Int) throws -> UInt32 {
        let offset = skipTable + index * PostingsWriter.skipEntrySize
        // Skipping reads many entries: a direct load, without a reader (and its retain) per entry.
        if let base = bytes.base, offset >= 0, offset + 4 <= blocksStart, blocksStart <= bytes.count {
            return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }
        var reader = ByteReader(bytes, from: offset, to: blocksStart)
        return try reader.readUInt32()
    }

}

/// A postings list's per-block bounds (`PostingsCursor.blockBounds`) without the cursor's decoding state.
///
/// A view: it does not keep the segment's file alive (`unowned(unsafe)`, no reference counting when the
/// struct holding it is copied or destroyed). Keep it beside the cursor it came from, which does
/// (`TermLeaf` and `PhraseScorer` hold both).
package struct PostingsSkipTable {
    unowned(unsafe) let bytes: FileBytes
    let skipTable: Int
    let blocksStart: Int
    let postingsEnd: Int
    /// Number of 128-doc blocks.
    package let blockCount: Int
    let hasSkipTable: Bool

    /// Whether this is a view of `cursor`'s file (which keeps the file alive while the cursor lives).
    package func views(_ cursor: borrowing PostingsCursor) -> Bool { bytes === cursor.bytes }

    /// See `PostingsCursor.blockBounds`.
    package func blockBounds(_ index: Int) throws -> (lastDoc: UInt32, maxFrequency: UInt32, minFieldLength: UInt32) {
        if hasSkipTable {
            let offset = skipTable + index * PostingsWriter.skipEntrySize
            // Block-max pruning reads an entry per block it crosses: direct loads, no reader (and retain).
            if let base = bytes.base, offset >= 0, offset + 12 <= blocksStart, blocksStart <= bytes.count {
                return (UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)),
                        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)),
                        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)))
            }
            var entry = ByteReader(bytes, from: offset, to: blocksStart)
            let lastDoc = try entry.readUInt32()
            let maxFrequency = try entry.readUInt32()
            return (lastDoc, maxFrequency, try entry.readUInt32())
        }
        var reader = ByteReader(bytes, from: blocksStart, to: postingsEnd)
        let maxFrequency = try reader.readVarint32()
        return (PostingsCursor.noMoreDocs - 1, maxFrequency, try reader.readVarint32())
    }
}
