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
    /// memory for phrases of three keys or more. `stamps`, when given, is the map of `nextExactPhrase`: two and
    /// three keys are then joined by stamps as there (the pruning phase confirms candidates one by one here).
    /// Throws when a position read overflows 32 bits.
    package static func exactPhraseFrequency(_ cursors: UnsafeMutablePointer<PostingsCursor>, count: Int,
                                             starts: inout UnsafeMutablePointer<UInt32>, capacity: inout Int,
                                             stamps: UnsafeMutablePointer<UInt8>? = nil) throws -> Int {
        if count == 2 {
            guard let stamps else { return try adjacentPairs(&cursors[0], &cursors[1]) }
            guard let firstValues = try cursors[0].currentValues(), let secondValues = try cursors[1].currentValues(),
                  secondValues.count > 0 else { return 0 }
            let small = smallPairCount(firstValues, secondValues, distance: 1, minStart: 0)
            if small >= 0 { return small }
            let joined = adjacentPairsOfSingle(firstValues, secondValues)
                    ?? adjacentPairsByStamps(firstValues, secondValues, stamps: stamps)
            guard joined.pairs >= 0 else { return try adjacentPairs(&cursors[0], &cursors[1]) }
            try cursors[0].checkPosition(joined.firstEnd)
            try cursors[1].checkPosition(joined.secondEnd)
            return joined.pairs
        }
        guard count > 2 else { return count == 1 ? Int(cursors[0].currentFrequency()) : 0 }
        if count == 3 {
            let order = tfOrder(&cursors[0], &cursors[1], &cursors[2])
            return try triples(cursors, lead: order.lead, filter: order.filter, last: order.last, starts: &starts, capacity: &capacity,
                               stamps: stamps)
        }
        // The key with the lowest tf gives the candidate starts; each other key filters them in one merge,
        // and the remaining keys are not read once no start is left (most candidates fail).
        var lead = 0
        var leadFrequency = cursors[0].currentFrequency()
        for key in 1..<count {
            let frequency = cursors[key].currentFrequency()
            if frequency < leadFrequency { (lead, leadFrequency) = (key, frequency) }
        }
        guard let leadValues = try cursors[lead].currentValues() else { return 0 }
        if capacity < leadValues.count { grow(&starts, &capacity, to: leadValues.count) }
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
    /// `stamps`, when given, is `phraseStampBytes` bytes, zeroed before their first use, in which the two- and
    /// three-key joins join their first two keys (`PostingsCursor+PhraseStamps.swift`); without it they merge.
    package static func nextExactPhrase(_ cursors: UnsafeMutablePointer<PostingsCursor>, order: UnsafePointer<Int>, count: Int,
                                        atOrAfter target: UInt32, starts: inout UnsafeMutablePointer<UInt32>,
                                        capacity: inout Int, stamps: UnsafeMutablePointer<UInt8>? = nil) throws -> (doc: UInt32, frequency: Int) {
        try nextExactPhrase(cursors, order: order, count: count,
                            join: exactPhraseJoin(cursors, order: order, count: count),
                            atOrAfter: target, starts: &starts, capacity: &capacity, stamps: stamps)
    }

    /// `nextExactPhrase` for two keys (the common case, two-word phrases): a two-cursor leapfrog and one merge,
    /// no dispatch per candidate. A function of its own, so that the leapfrog and the join are inlined into
    /// its loop (in the larger `nextExactPhrase` they were compiled as calls, a prologue and epilogue per candidate).
    @inline(never) @usableFromInline
    package static func nextExactPair(_ cursors: UnsafeMutablePointer<PostingsCursor>, order: UnsafePointer<Int>,
                                      atOrAfter target: UInt32, stamps: UnsafeMutablePointer<UInt8>?) throws -> (doc: UInt32, frequency: Int) {
        let lead = cursors + order[0], other = cursors + order[1]
        let batch = stamps.map { UnsafeMutableRawPointer($0) + candidateBatchOffset }
        var next = target
        while true {
            let doc = try nextCommonDoc(lead, other, atOrAfter: next, batch: batch)
            guard doc != noMoreDocs else { return (doc, 0) }
            var frequency = 0
            // The join by stamps written out here: `adjacentPairs` was compiled as a call per candidate.
            join: do {
                guard let stamps else {
                    frequency = try adjacentPairs(&cursors[0], &cursors[1])
                    break join
                }
                guard let firstValues = try cursors[0].currentValues(), let secondValues = try cursors[1].currentValues(),
                      secondValues.count > 0 else { break join }
                let small = smallPairCount(firstValues, secondValues, distance: 1, minStart: 0)
                if small >= 0 {
                    frequency = small
                    break join
                }
                let joined = adjacentPairsOfSingle(firstValues, secondValues)
                    ?? adjacentPairsByStamps(firstValues, secondValues, stamps: stamps)
                guard joined.pairs >= 0 else {
                    frequency = try adjacentPairs(&cursors[0], &cursors[1])
                    break join
                }
                try cursors[0].checkPosition(joined.firstEnd)
                try cursors[1].checkPosition(joined.secondEnd)
                frequency = joined.pairs
            }
            if frequency > 0 { return (doc, frequency) }
            guard doc < noMoreDocs - 1 else { return (noMoreDocs, 0) }
            next = doc + 1
        }
    }

    /// `nextExactPhrase` for three keys, a function of its own for the same reason as `nextExactPair`. The keys by
    /// document frequency (the intersection's order) lead and filter the join, which spares reading three tfs per
    /// candidate to order them (the rarer word mostly has the lower tf). The join is `triples` written out in the
    /// loop: called, despite `@inline(__always)` (this loop is past the inliner's size limit), it cost a
    /// prologue, an epilogue and spilled arguments per candidate (~30 instructions, ~2,000 candidates a query).
    @inline(never) @usableFromInline
    package static func nextExactTriple(_ cursors: UnsafeMutablePointer<PostingsCursor>, order: UnsafePointer<Int>,
                                        atOrAfter target: UInt32, starts: inout UnsafeMutablePointer<UInt32>,
                                        capacity: inout Int, stamps: UnsafeMutablePointer<UInt8>?) throws -> (doc: UInt32, frequency: Int) {
        let (lead, filter, last) = (order[0], order[1], order[2])
        let leadOffset = UInt64(lead)
        // Offsets may wrap: they are added back to a position ≥ lead, so the sums are exact.
        let filterOffset = UInt64(filter) &- leadOffset, lastOffset = UInt64(last) &- leadOffset
        let batch = stamps.map { UnsafeMutableRawPointer($0) + candidateBatchOffset }
        var next = target
        while true {
            // The first two keys' candidates from the batched leapfrog, then the last key moved to each.
            let doc = try nextCommonDoc(cursors + lead, cursors + filter, atOrAfter: next, batch: batch)
            guard doc != noMoreDocs else { return (doc, 0) }
            let lastDoc = try cursors[last].storedDoc(atLeast: doc)
            if lastDoc != doc {
                guard lastDoc != noMoreDocs else { return (noMoreDocs, 0) }
                next = lastDoc
                continue
            }
            var frequency = 0
            join: do {
                guard let leadValues = try cursors[lead].currentValues(),
                      let filterValues = try cursors[filter].currentValues(), filterValues.count > 0 else { break join }
                // Most candidates keep no start: rejected without a loop when both keys have few positions.
                if smallPairCount(leadValues, filterValues, distance: filterOffset, minStart: leadOffset) == 0 { break join }
                // The join by stamps may write a start per position of either key.
                let room = Swift.max(leadValues.count, filterValues.count)
                if capacity < room { grow(&starts, &capacity, to: room) }
                var pair = (kept: -1, leadEnd: UInt64(0), filterEnd: UInt64(0))
                if let stamps {
                    pair = pairedPositionsByStamps(leadValues, leadOffset: leadOffset, filterValues, offset: filterOffset,
                                                   into: starts, stamps: stamps)
                }
                if pair.kept < 0 {
                    pair = pairedPositions(leadValues, leadOffset: leadOffset, filterValues, offset: filterOffset, into: starts)
                }
                try cursors[lead].checkPosition(pair.leadEnd)
                try cursors[filter].checkPosition(pair.filterEnd)
                guard pair.kept > 0 else { break join }
                guard let lastValues = try cursors[last].currentValues(), lastValues.count > 0 else { break join }
                if let stamps {
                    let probe = keptWithLastByStamps(starts, pair.kept, offset: lastOffset, lastValues, stamps: stamps)
                    if probe.matches >= 0 {
                        try cursors[last].checkPosition(probe.end)
                        frequency = probe.matches
                        break join
                    }
                }
                frequency = try cursors[last].keptWithLast(starts, pair.kept, offset: lastOffset, lastValues)
            }
            if frequency > 0 { return (doc, frequency) }
            guard doc < noMoreDocs - 1 else { return (noMoreDocs, 0) }
            next = doc + 1
        }
    }

    /// Two keys: how many positions `p` of `first` have `p + 1` among `second`'s, in one merge of both
    /// documents' values.
    @inline(__always)
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

    /// Three keys (phrase positions `lead`, `filter`, `last`, chosen by the caller: lowest tf or df first):
    /// the lead's positions that have the filter key at the right distance are kept in `starts` (one merge
    /// of the two keys' values, in a loop with nothing else live, so its variables stay in registers), and
    /// only when some are kept is the last key read and merged with them (most candidates fail on the
    /// first pair). Each key's values are summed only as far as its merge goes. `starts` (room for
    /// `capacity`) is grown to the lead's tf when shorter (to either key's with `stamps`). With `stamps` both
    /// steps are joined by stamps as in `nextExactTriple`, each falling back to its merge past the map's limit.
    @inline(__always)
    private static func triples(_ cursors: UnsafeMutablePointer<PostingsCursor>, lead: Int, filter: Int, last: Int,
                                starts: inout UnsafeMutablePointer<UInt32>, capacity: inout Int,
                                stamps: UnsafeMutablePointer<UInt8>? = nil) throws -> Int {
        guard let leadValues = try cursors[lead].currentValues(),
              let filterValues = try cursors[filter].currentValues(), filterValues.count > 0 else { return 0 }
        // The join by stamps may write a start per position of either key.
        let room = stamps == nil ? leadValues.count : Swift.max(leadValues.count, filterValues.count)
        if capacity < room { grow(&starts, &capacity, to: room) }
        let leadOffset = UInt64(lead)
        // Offsets may wrap: they are added back to a position ≥ lead, so the sums are exact.
        let filterOffset = UInt64(filter) &- leadOffset, lastOffset = UInt64(last) &- leadOffset
        if smallPairCount(leadValues, filterValues, distance: filterOffset, minStart: leadOffset) == 0 { return 0 }
        var pair = (kept: -1, leadEnd: UInt64(0), filterEnd: UInt64(0))
        if let stamps {
            pair = pairedPositionsByStamps(leadValues, leadOffset: leadOffset, filterValues, offset: filterOffset,
                                           into: starts, stamps: stamps)
        }
        if pair.kept < 0 {
            pair = pairedPositions(leadValues, leadOffset: leadOffset, filterValues, offset: filterOffset, into: starts)
        }
        try cursors[lead].checkPosition(pair.leadEnd)
        try cursors[filter].checkPosition(pair.filterEnd)
        guard pair.kept > 0 else { return 0 }
        guard let lastValues = try cursors[last].currentValues(), lastValues.count > 0 else { return 0 }
        if let stamps {
            let probe = keptWithLastByStamps(starts, pair.kept, offset: lastOffset, lastValues, stamps: stamps)
            if probe.matches >= 0 {
                try cursors[last].checkPosition(probe.end)
                return probe.matches
            }
        }
        return try cursors[last].keptWithLast(starts, pair.kept, offset: lastOffset, lastValues)
    }

    /// How many of the `count` kept lead positions `p` (ascending) have `p + offset` among this (the last) key's
    /// positions on the current document, summed from its values (`document`, at least one) as far as the merge goes.
    @inline(__always)
    mutating func keptWithLast(_ kept: UnsafeMutablePointer<UInt32>, _ count: Int, offset: UInt64,
                               _ document: (values: UnsafePointer<UInt32>, count: Int)) throws -> Int {
        var matches = 0
        var lastPosition = UInt64(document.values[0])
        var scan = 1
        merge: for slot in 0..<count {
            // Kept positions are below 2^32 (the lead's last summed position was checked).
            let target = UInt64(kept[slot]) &+ offset
            while lastPosition < target {
                guard scan < document.count else { break merge }
                lastPosition = lastPosition &+ UInt64(document.values[scan]) &+ 1
                scan += 1
            }
            if lastPosition == target { matches += 1 }
        }
        try checkPosition(lastPosition)
        return matches
    }

    /// The lead key's positions `p` ≥ `leadOffset` (a phrase start p − lead is ≥ 0) with `p + offset`
    /// among the other key's positions, written to `kept` (room for the lead's tf), with the last
    /// position summed of each key (the caller checks them against 2^32: positions only grow).
    @inline(__always)
    static func pairedPositions(_ lead: (values: UnsafePointer<UInt32>, count: Int), leadOffset: UInt64,
                                _ other: (values: UnsafePointer<UInt32>, count: Int), offset: UInt64,
                                into kept: UnsafeMutablePointer<UInt32>) -> (kept: Int, leadEnd: UInt64, filterEnd: UInt64) {
        var found = 0
        var position = UInt64.max
        var otherPosition = UInt64(other.values[0])
        var scan = 1
        merge: for slot in 0..<lead.count {
            position = position &+ UInt64(lead.values[slot]) &+ 1
            guard position >= leadOffset else { continue }
            let target = position &+ offset
            while otherPosition < target {
                guard scan < other.count else { break merge }
                otherPosition = otherPosition &+ UInt64(other.values[scan]) &+ 1
                scan += 1
            }
            if otherPosition == target {
                kept[found] = UInt32(truncatingIfNeeded: position)
                found += 1
            }
        }
        return (found, position, otherPosition)
    }

    /// Replaces `starts` by room for at least `count` values (its contents are not kept).
    @inline(never)
    static func grow(_ starts: inout UnsafeMutablePointer<UInt32>, _ capacity: inout Int, to count: Int) {
        starts.deallocate()
        capacity = Swift.max(count, capacity * 2)
        starts = .allocate(capacity: capacity)
    }

    /// Three keys by ascending tf on the current document (ties in phrase order): lead, filter, last.
    @inline(__always)
    private static func tfOrder(_ first: inout PostingsCursor, _ second: inout PostingsCursor, _ third: inout PostingsCursor)
        -> (lead: Int, filter: Int, last: Int) {
        let f0 = first.currentFrequency(), f1 = second.currentFrequency(), f2 = third.currentFrequency()
        if f0 <= f1 {
            if f1 <= f2 { return (0, 1, 2) }
            return f0 <= f2 ? (0, 2, 1) : (2, 0, 1)
        }
        if f0 <= f2 { return (1, 0, 2) }
        return f1 <= f2 ? (1, 2, 0) : (2, 1, 0)
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
    mutating func currentValues() throws -> (values: UnsafePointer<UInt32>, count: Int)? {
        guard let range = try currentPositionsRange() else { return nil }
        return (try positionsDecoder.documentValues(range.count, at: range.index, bytes: bytes, doc: doc), range.count)
    }

    /// Positions are running sums that only grow: the last one summed being below 2^32 checks all before it.
    /// Mutating only so that a call through the cursors' pointer reads the cursor in place (a non-mutating
    /// call on `cursors[key]` copied the whole cursor, a `memcpy` per call).
    @inline(__always)
    mutating func checkPosition(_ position: UInt64) throws {
        guard position <= UInt64(UInt32.max) else { throw overflowError() }
    }

    /// The error of `checkPosition`, built out of line: the join's loops stay free of the message's code.
    @inline(never)
    private func overflowError() -> StorageError {
        StorageError.corrupt(file: bytes.name, offset: positionsStart, reason: "a position of doc \(doc) overflows 32 bits")
    }
}
