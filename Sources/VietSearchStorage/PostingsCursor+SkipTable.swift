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
        return (Self.noMoreDocs - 1, maxFrequency, try reader.readVarint32())
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
        try bits.withUnsafeMutableBufferPointer { words in
            try docs.withUnsafeBufferPointer { ids in
                for slot in 0..<blockLength {
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
