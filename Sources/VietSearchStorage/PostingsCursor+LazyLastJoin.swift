/// Three-key exact phrases whose last key (the most frequent) is in nearly every document ("và", "được",
/// "là": ~98% of the 10k corpus's documents): the leapfrog moves only the first two keys, and the last one is
/// moved to a candidate only when the pair keeps a phrase start (~5% of candidates), by its skip table past
/// whole blocks. The three-key leapfrog (`nextExactTriple`) moved it to every candidate: a scan of its block,
/// and a block load and tf sums for each of its blocks, for a key that is nearly always there anyway.
extension PostingsCursor {
    /// Whether `nextExactPhrase` leaves a three-key phrase's last key out of the leapfrog: when it is in at
    /// least 7/8 of the segment's documents. The candidates are then the documents holding the first two
    /// keys; for the fraction p of them that also hold the last key a leapfrog step is saved (~40
    /// instructions, callgrind), while each of the others costs a join of the pair (~170): lazy pays when
    /// p > ~0.8 (−4% to −8% of a query's instructions at p ≈ 0.98), and lost up to 1.5% at p ≈ 0.65.
    @inline(__always)
    static func isLazyLast(documentFrequency: Int, of documentCount: UInt32) -> Bool {
        UInt64(clamping: documentFrequency) &* 8 >= UInt64(documentCount) &* 7
    }

    /// `nextExactTriple` with a lazy last key (`isLazyLast`): the same answers, the same join. A function of
    /// its own (with one leapfrog in its loop, as `nextExactTriple`): the two loops in one function made the
    /// compiler call the leapfrog out of line.
    @inline(never) @usableFromInline
    package static func nextExactTripleLazyLast(_ cursors: UnsafeMutablePointer<PostingsCursor>, order: UnsafePointer<Int>,
                                        atOrAfter target: UInt32, starts: inout UnsafeMutablePointer<UInt32>,
                                        capacity: inout Int, stamps: UnsafeMutablePointer<UInt8>?) throws -> (doc: UInt32, frequency: Int) {
        let (lead, filter, last) = (order[0], order[1], order[2])
        let leadOffset = UInt64(lead)
        // Offsets may wrap: they are added back to a position ≥ lead, so the sums are exact.
        let filterOffset = UInt64(filter) &- leadOffset, lastOffset = UInt64(last) &- leadOffset
        let lastCursor = cursors + last
        let batch = stamps.map { UnsafeMutableRawPointer($0) + candidateBatchOffset }
        var next = target
        while true {
            let doc = try nextCommonDoc(cursors + lead, cursors + filter, atOrAfter: next, batch: batch)
            guard doc != noMoreDocs else { return (doc, 0) }
            // The last key only moves forward: where it already stands past the candidate, no document before
            // its own can match (a comparison, no move).
            let lastDoc = lastCursor.pointee.doc
            if lastDoc > doc {
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
                // Only now is the last key moved to the candidate. Its positions are located from its block's
                // value starts (computed per block from the skip entry's value index), so the blocks it
                // stepped over unread cost nothing.
                let found = try lastCursor.pointee.storedDoc(atLeast: doc)
                if found != doc {
                    guard found != noMoreDocs else { return (noMoreDocs, 0) }
                    next = found
                    continue
                }
                guard let lastValues = try lastCursor.pointee.currentValues(), lastValues.count > 0 else { break join }
                if let stamps {
                    let probe = keptWithLastByStamps(starts, pair.kept, offset: lastOffset, lastValues, stamps: stamps)
                    if probe.matches >= 0 {
                        try lastCursor.pointee.checkPosition(probe.end)
                        frequency = probe.matches
                        break join
                    }
                }
                frequency = try lastCursor.pointee.keptWithLast(starts, pair.kept, offset: lastOffset, lastValues)
            }
            if frequency > 0 { return (doc, frequency) }
            guard doc < noMoreDocs - 1 else { return (noMoreDocs, 0) }
            next = doc + 1
        }
    }
}
