/// Occurrences added by term id (`SegmentBuilder.addTermPair`, `addTermPairs`): a token's exact and folded
/// keys, interned earlier by `addOccurrencePair`, whose ids the indexer keeps per cached spelling (most
/// tokens of Vietnamese text). No key bytes are hashed or compared; the ids are checked against the
/// field (a term belongs to one field).
extension SegmentBuffer {
    /// Occurrences at `position` of two terms already interned in this buffer, by id (as
    /// `addOccurrencePair` returned them): no key bytes to hash or compare.
    @inline(__always)
    mutating func addTermPair(field: UInt8, first: UInt32, second: UInt32, position: UInt32) throws {
        guard inDocument else { throw StorageError.limitExceeded("occurrence added outside a document (call beginDocument first)") }
        try recordPair(field: field, first: first, second: second, position: position)
    }

    /// `addTermPair` for a run of tokens: `pairs[i]` is `first << 32 | second` at `positions[i]`. The
    /// document state is checked once for the run (the indexer's runs of cached spellings).
    mutating func addTermPairs(field: UInt8, pairs: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<UInt32>) throws {
        guard inDocument else { throw StorageError.limitExceeded("occurrence added outside a document (call beginDocument first)") }
        guard pairs.count == positions.count else {
            throw StorageError.limitExceeded("\(pairs.count) term pairs with \(positions.count) positions")
        }
        // On the direct path the streams record the run in one loop, up to the first pair that needs a
        // check's answer or a fallback (a wrong id, a position going back): that pair and the rest go
        // one by one below.
        var index = collectsDirectly
            ? termStreams.addOccurrencePairs(pairs, positions: positions, field: field, doc: UInt32(truncatingIfNeeded: documentCount))
            : 0
        while index < pairs.count {
            let pair = pairs[index]
            try recordPair(field: field, first: UInt32(truncatingIfNeeded: pair >> 32), second: UInt32(truncatingIfNeeded: pair),
                           position: positions[index])
            index += 1
        }
    }

    /// `record` of both terms, after checking they are terms of `field`, with the direct path's checks made
    /// once for the pair.
    @inline(__always)
    private mutating func recordPair(field: UInt8, first: UInt32, second: UInt32, position: UInt32) throws {
        guard termStreams.areTerms(first, second, of: field) else {
            throw StorageError.limitExceeded("term ids \(first), \(second) are not terms of field \(field) in this segment")
        }
        if collectsDirectly {
            let doc = UInt32(truncatingIfNeeded: documentCount)
            let firstAdded = termStreams.addOccurrence(Int(first), doc: doc, position: position)
            if firstAdded && termStreams.addOccurrence(Int(second), doc: doc, position: position) { return }
            // Positions went back: the document so far moves to `scratch`, which sorts it.
            undoDirectOccurrences(keepingThem: true)
            positionsAscend = false
            if !firstAdded { scratch.append(UInt64(first) << 32 | UInt64(position)) }
            scratch.append(UInt64(second) << 32 | UInt64(position))
            return
        }
        notePosition(position, field: field)
        scratch.append(UInt64(first) << 32 | UInt64(position))
        scratch.append(UInt64(second) << 32 | UInt64(position))
    }
}
