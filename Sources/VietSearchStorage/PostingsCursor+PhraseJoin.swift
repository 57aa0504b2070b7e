/// Exact phrase matching on the current document of a segment's cursors (one per phrase key): how many
/// starts `s` have key `i` at position `s + i` for every `i`. Done here rather than by the query module
/// reading each key's positions into a buffer: the keys' values are merged straight from the unpacked
/// position block (positions are running sums of them), with no cross-module call, buffer or copy per key
/// and document, and a key's values are summed only as far as the merge needs them. Phrase queries confirm
/// thousands of candidate documents each (every document holding all the keys, while counting hits), so
/// this per-candidate path is most of their time.
extension PostingsCursor {
    /// The phrase frequency without slop on the document all `count` cursors are on (the caller's
    /// intersection put them there). `starts` (with room for `capacity` values, grown as needed) is scratch
    /// memory for phrases of three keys or more. Throws when a position read overflows 32 bits.
    package static func exactPhraseFrequency(_ cursors: UnsafeMutablePointer<PostingsCursor>, count: Int,
                                             starts: inout UnsafeMutablePointer<UInt32>, capacity: inout Int) throws -> Int {
        if count == 2 { return try adjacentPairs(&cursors[0], &cursors[1]) }
        guard count > 2 else { return count == 1 ? Int(cursors[0].currentFrequency()) : 0 }
        // The key with the lowest tf gives the candidate starts; each other key filters them in one merge,
        // and the remaining keys are not read once no start is left (most candidates fail).
        var lead = 0
        var leadFrequency = cursors[0].currentFrequency()
        for key in 1..<count {
            let frequency = cursors[key].currentFrequency()
            if frequency < leadFrequency { (lead, leadFrequency) = (key, frequency) }
        }
        guard let leadValues = try cursors[lead].currentValues() else { return 0 }
        if capacity < leadValues.count {
            starts.deallocate()
            capacity = Swift.max(leadValues.count, capacity * 2)
            starts = .allocate(capacity: capacity)
        }
        var kept = 0
        var position = UInt64.max
        let offset = UInt64(lead)
        for slot in 0..<leadValues.count {
            position = position &+ UInt64(leadValues.values[slot]) &+ 1
            if position >= offset {
                starts[kept] = UInt32(truncatingIfNeeded: position - offset)
                kept += 1
            }
        }
        try cursors[lead].checkPosition(position)
        for key in 0..<count where key != lead {
            guard kept > 0 else { return 0 }
            guard let values = try cursors[key].currentValues() else { return 0 }
            kept = try cursors[key].keepStarts(starts, kept, offset: UInt64(key), values)
        }
        return kept
    }

    /// The first document ≥ `target` where the exact phrase occurs and its frequency, or `noMoreDocs` and 0:
    /// `nextCommonDoc` and `exactPhraseFrequency` in one loop, so that the candidates that hold every key
    /// but not the phrase (most of them) never return to the caller (`nextCommonDoc`'s requirements).
    package static func nextExactPhrase(_ cursors: UnsafeMutablePointer<PostingsCursor>, order: UnsafePointer<Int>, count: Int,
                                        atOrAfter target: UInt32, starts: inout UnsafeMutablePointer<UInt32>,
                                        capacity: inout Int) throws -> (doc: UInt32, frequency: Int) {
        var next = target
        while true {
            let doc = try nextCommonDoc(cursors, order: order, count: count, atOrAfter: next)
            guard doc != noMoreDocs else { return (doc, 0) }
            let frequency = try exactPhraseFrequency(cursors, count: count, starts: &starts, capacity: &capacity)
            if frequency > 0 { return (doc, frequency) }
            guard doc < noMoreDocs - 1 else { return (noMoreDocs, 0) }
            next = doc + 1
        }
    }

    /// Two keys: how many positions `p` of `first` have `p + 1` among `second`'s, in one merge of both
    /// documents' values.
    private static func adjacentPairs(_ first: inout PostingsCursor, _ second: inout PostingsCursor) throws -> Int {
        guard let firstValues = try first.currentValues(), let secondValues = try second.currentValues(),
              secondValues.count > 0 else { return 0 }
        var pairs = 0
        var firstPosition = UInt64.max
        var secondPosition = UInt64(secondValues.values[0])
        var scan = 1
        let available = secondValues.count
        merge: for slot in 0..<firstValues.count {
            firstPosition = firstPosition &+ UInt64(firstValues.values[slot]) &+ 1
            let target = firstPosition &+ 1
            while secondPosition < target {
                guard scan < available else { break merge }
                secondPosition = secondPosition &+ UInt64(secondValues.values[scan]) &+ 1
                scan += 1
            }
            if secondPosition == target { pairs += 1 }
        }
        try first.checkPosition(firstPosition)
        try second.checkPosition(secondPosition)
        return pairs
    }

    /// Compacts the first `count` starts (ascending) to those `s` with `s + offset` among this document's
    /// positions, summed from its values as far as the merge goes; returns how many are kept.
    private mutating func keepStarts(_ starts: UnsafeMutablePointer<UInt32>, _ count: Int, offset: UInt64,
                                     _ document: (values: UnsafePointer<UInt32>, count: Int)) throws -> Int {
        guard document.count > 0 else { return 0 }
        var kept = 0
        var position = UInt64(document.values[0])
        var scan = 1
        merge: for slot in 0..<count {
            let target = UInt64(starts[slot]) + offset
            while position < target {
                guard scan < document.count else { break merge }
                position = position &+ UInt64(document.values[scan]) &+ 1
                scan += 1
            }
            if position == target {
                starts[kept] = starts[slot]
                kept += 1
            }
        }
        try checkPosition(position)
        return kept
    }

    /// The current document's position values (FORMAT.md, "Positions": its first position, then each
    /// gap − 1), valid until the cursor reads positions again; nil when there is no current document.
    @inline(__always)
    private mutating func currentValues() throws -> (values: UnsafePointer<UInt32>, count: Int)? {
        guard let index = try currentPositionsIndex() else { return nil }
        let count = Int(frequencies[indexInBlock])
        return (try positionsDecoder.documentValues(count, at: index, bytes: bytes, doc: doc), count)
    }

    /// Positions are running sums that only grow: the last one summed being below 2^32 checks all before it.
    @inline(__always)
    private func checkPosition(_ position: UInt64) throws {
        guard position <= UInt64(UInt32.max) else {
            throw StorageError.corrupt(file: bytes.name, offset: positionsStart, reason: "a position of doc \(doc) overflows 32 bits")
        }
    }
}
