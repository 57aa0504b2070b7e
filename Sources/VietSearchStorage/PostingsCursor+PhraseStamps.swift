import CBitUnpack

/// The phrase joins' two-key step by a map of position stamps instead of a merge. A merge of two keys'
/// positions branches on every comparison of two running sums, and which way it goes is data: on the phrase
/// class (thousands of candidate documents a query, most failing) those branches' mispredictions were much
/// of the joins' wall time. Here the key with fewer positions stamps them in a map of one byte per position,
/// and the other key's positions look up the byte at their phrase distance: the loops branch on their exits
/// (and on the rare hit). The candidate's stamp is a generation number, so the map is cleared once per 255
/// candidates, not per candidate. The map covers positions below `phraseStampLimit`; a document whose
/// stamped positions reach it is left to the merge (the functions return a count of −1).
extension PostingsCursor {
    /// Bytes of the caller's map (`nextExactPhrase`'s `stamps`), zeroed before its first use: a byte per
    /// position below the limit, the limit's byte (positions at or past it), a byte for stamps never looked
    /// up, and the last stamp handed out; then the two-key leapfrog's candidate batch
    /// (`PostingsCursor+CandidateBatch.swift`).
    package static let phraseStampBytes = candidateBatchOffset + CandidateBatchLayout.byteCount

    /// Positions at or past it are looked up (and stamped) at it; a join by stamps needs every stamped
    /// position below it, so a clamped look-up misses.
    @inline(__always)
    static var phraseStampLimit: UInt64 { 4095 }

    /// The next stamp (1…255): the map is cleared when they wrap, so a byte equal to the stamp was written
    /// for the current candidate.
    @inline(__always)
    static func nextStamp(_ map: UnsafeMutablePointer<UInt8>) -> UInt8 {
        let slot = Int(phraseStampLimit) + 2
        var stamp = map[slot] &+ 1
        if stamp == 0 { stamp = clearStamps(map) }
        map[slot] = stamp
        return stamp
    }

    @inline(never)
    static func clearStamps(_ map: UnsafeMutablePointer<UInt8>) -> UInt8 {
        map.update(repeating: 0, count: Int(phraseStampLimit) + 2)
        return 1
    }

    /// Stamps `document`'s positions `p` (summed from its values) at `p + shift`, clamped to the limit, and
    /// returns the last position.
    @inline(__always)
    static func stampPositions(_ document: (values: UnsafePointer<UInt32>, count: Int), shift: UInt64,
                               stamp: UInt8, in map: UnsafeMutablePointer<UInt8>) -> UInt64 {
        let limit = phraseStampLimit
        var position = UInt64.max
        var value = document.values
        let end = value + document.count
        while value < end {
            position = position &+ UInt64(value.pointee) &+ 1
            map[Int(truncatingIfNeeded: Swift.min(position &+ shift, limit))] = stamp
            value += 1
        }
        return position
    }

    /// How many positions `q` of `document` have `q + shift` stamped, where every stamp of the candidate is at
    /// or below `lastStamped`, and the last position summed (at least every one looked up). The loop stops at
    /// the first position past `lastStamped` (none after it can be stamped), so no look-up needs clamping: a
    /// compare and branch that is taken once per call replaces the clamp on every position.
    @inline(__always)
    static func countStamped(_ document: (values: UnsafePointer<UInt32>, count: Int), shift: UInt64, lastStamped: UInt64,
                             stamp: UInt8, in map: UnsafeMutablePointer<UInt8>) -> (count: Int, end: UInt64) {
        // Inside the map whatever the caller passes; callers pass a target below the limit.
        let last = Swift.min(lastStamped, phraseStampLimit)
        var found = 0
        var position = UInt64.max
        var value = document.values
        let end = value + document.count
        while value < end {
            position = position &+ UInt64(value.pointee) &+ 1
            let target = position &+ shift
            if target > last { break }
            found &+= map[Int(truncatingIfNeeded: target)] == stamp ? 1 : 0
            value += 1
        }
        // None summed (an empty document): nothing to check against 2^32.
        return (found, position == UInt64.max ? 0 : position)
    }

    /// Whether `target` is among `document`'s positions (summed from its values, at least one) as a count of
    /// 0 or 1, and the last position summed (the first ≥ `target`, or the document's last). When one key of a
    /// join has a single position (tf 1, common for the rarer key), a scan for its one target replaces
    /// stamping it and probing the map: no stamp handed out, no store, no look-up per position.
    @inline(__always)
    static func findPosition(_ target: UInt64, in document: (values: UnsafePointer<UInt32>, count: Int)) -> (found: Int, end: UInt64) {
        var position = UInt64.max
        var value = document.values
        let end = value + document.count
        while value < end {
            position = position &+ UInt64(value.pointee) &+ 1
            if position >= target { break }
            value += 1
        }
        return (position == target ? 1 : 0, position)
    }

    /// `adjacentPairsByStamps` when one key has a single position (tf 1), by `findPosition`, else nil. Apart
    /// from it so that the stamps' function stays small enough to be inlined into the pair's loop.
    @inline(__always)
    static func adjacentPairsOfSingle(_ first: (values: UnsafePointer<UInt32>, count: Int),
                                      _ second: (values: UnsafePointer<UInt32>, count: Int)) -> (pairs: Int, firstEnd: UInt64, secondEnd: UInt64)? {
        if first.count == 1 {
            let position = UInt64(first.values[0])
            let probe = findPosition(position &+ 1, in: second)
            return (probe.found, position, probe.end)
        }
        guard second.count == 1 else { return nil }
        let position = UInt64(second.values[0])
        // No position p of `first` has p + 1 = 0.
        guard position > 0 else { return (0, UInt64(first.values[0]), position) }
        let probe = findPosition(position &- 1, in: first)
        return (probe.found, probe.end, position)
    }

    /// The count of `vs_phrase_pair_small` (CBitUnpack): how many positions `p` ≥ `minStart` of `first` have
    /// `p + distance` (wrapping) among `second`'s, when both keys have 1 to 16 positions on the document, in one
    /// branch-free AVX2 pass; −1 when the kernel does not take them (the caller joins as before). A count it gives
    /// also proves every position of both keys below 2^30: no `checkPosition` is needed after it.
    @inline(__always)
    static func smallPairCount(_ first: (values: UnsafePointer<UInt32>, count: Int),
                               _ second: (values: UnsafePointer<UInt32>, count: Int),
                               distance: UInt64, minStart: UInt64) -> Int {
        guard minStart <= 1024 else { return -1 }
        return Int(vs_phrase_pair_small(first.values, first.count, second.values, second.count,
                                        UInt32(truncatingIfNeeded: distance), UInt32(truncatingIfNeeded: minStart)))
    }

    /// Two keys by stamps: how many positions `p` of `first` have `p + 1` among `second`'s, with the last
    /// position summed of each key (the caller checks them against 2^32); a count of −1 when a stamped
    /// position reaches the limit (the caller merges).
    @inline(__always)
    static func adjacentPairsByStamps(_ first: (values: UnsafePointer<UInt32>, count: Int),
                                      _ second: (values: UnsafePointer<UInt32>, count: Int),
                                      stamps map: UnsafeMutablePointer<UInt8>) -> (pairs: Int, firstEnd: UInt64, secondEnd: UInt64) {
        let limit = phraseStampLimit
        let stamp = nextStamp(map)
        // The fewer positions are stamped: a stamp is a store, a look-up a load.
        if first.count <= second.count {
            let firstEnd = stampPositions(first, shift: 1, stamp: stamp, in: map)
            guard firstEnd &+ 1 < limit else { return (-1, 0, 0) }
            let probe = countStamped(second, shift: 0, lastStamped: firstEnd &+ 1, stamp: stamp, in: map)
            return (probe.count, firstEnd, probe.end)
        }
        let secondEnd = stampPositions(second, shift: 0, stamp: stamp, in: map)
        guard secondEnd < limit else { return (-1, 0, 0) }
        let probe = countStamped(first, shift: 1, lastStamped: secondEnd, stamp: stamp, in: map)
        return (probe.count, probe.end, secondEnd)
    }

    /// `pairedPositions` by stamps: the lead's positions `p` ≥ `leadOffset` with `p + offset` (wrapping)
    /// among the other key's positions, written ascending to `kept` (room for both keys' tfs), with the last
    /// position summed of each key; a count of −1 when a stamped position reaches the limit (the caller merges).
    @inline(__always)
    static func pairedPositionsByStamps(_ lead: (values: UnsafePointer<UInt32>, count: Int), leadOffset: UInt64,
                                        _ other: (values: UnsafePointer<UInt32>, count: Int), offset: UInt64,
                                        into kept: UnsafeMutablePointer<UInt32>,
                                        stamps map: UnsafeMutablePointer<UInt8>) -> (kept: Int, leadEnd: UInt64, filterEnd: UInt64) {
        let limit = phraseStampLimit
        var found = 0
        var position = UInt64.max
        if lead.count <= other.count {
            if lead.count == 1 {
                position = UInt64(lead.values[0])
                // Not a phrase start (p < leadOffset): nothing is looked up.
                guard position >= leadOffset else { return (0, position, 0) }
                let probe = findPosition(position &+ offset, in: other)
                kept[0] = UInt32(truncatingIfNeeded: position)
                return (probe.found, position, probe.end)
            }
            let stamp = nextStamp(map)
            // The lead's positions p ≥ leadOffset (phrase starts ≥ 0) stamped at p + offset (≥ 0 there), looked
            // up by the other key's; those below leadOffset at the byte past the limit, never looked up.
            var value = lead.values
            let leadLast = value + lead.count
            while value < leadLast {
                position = position &+ UInt64(value.pointee) &+ 1
                let byte = position >= leadOffset ? Swift.min(position &+ offset, limit) : limit &+ 1
                map[Int(truncatingIfNeeded: byte)] = stamp
                value += 1
            }
            let leadEnd = position
            guard leadEnd < leadOffset || leadEnd &+ offset < limit else { return (-1, 0, 0) }
            // Every stamp of a start is at or below the last start's (below the limit, by the guard); with no
            // start none is, and a look-up (at or below 0) finds nothing. Past it nothing can be found, so the
            // loop stops there and no look-up needs clamping; the end returned covers every position looked up.
            let lastTarget = leadEnd >= leadOffset ? leadEnd &+ offset : 0
            position = UInt64.max
            value = other.values
            let otherLast = value + other.count
            while value < otherLast {
                position = position &+ UInt64(value.pointee) &+ 1
                if position > lastTarget { break }
                let present = map[Int(truncatingIfNeeded: position)] == stamp
                // Written every time, kept only when found: no branch on the data.
                kept[found] = UInt32(truncatingIfNeeded: position &- offset)
                found &+= present ? 1 : 0
                value += 1
            }
            return (found, leadEnd, position)
        }
        if other.count == 1 {
            // The other key's one position q is at q − offset from the lead's start p, which must be ≥ leadOffset:
            // q ≥ leadOffset + offset (the other key's index in the phrase), and p = q − offset does not wrap.
            let otherPosition = UInt64(other.values[0])
            guard otherPosition >= leadOffset &+ offset else { return (0, UInt64(lead.values[0]), otherPosition) }
            let start = otherPosition &- offset
            let probe = findPosition(start, in: lead)
            kept[0] = UInt32(truncatingIfNeeded: start)
            return (probe.found, probe.end, otherPosition)
        }
        let stamp = nextStamp(map)
        let otherEnd = stampPositions(other, shift: 0, stamp: stamp, in: map)
        guard otherEnd < limit else { return (-1, 0, 0) }
        var value = lead.values
        let leadLast = value + lead.count
        while value < leadLast {
            position = position &+ UInt64(value.pointee) &+ 1
            // A start before position 0 (p < leadOffset) is not counted, whatever its look-up found.
            let present = map[Int(truncatingIfNeeded: Swift.min(position &+ offset, limit))] == stamp
            kept[found] = UInt32(truncatingIfNeeded: position)
            found &+= present && position >= leadOffset ? 1 : 0
            value += 1
        }
        return (found, position, otherEnd)
    }

    /// The three-key join's last key by stamps: how many of the `count` (≥ 1) kept lead positions `p`
    /// (ascending, each ≥ the lead's index in the phrase) have `p + offset` (wrapping back to ≥ 0) among
    /// `last`'s positions, with the last position summed; a count of −1 when the highest target reaches the
    /// limit (the caller merges). The kept starts are few (the pair's step keeps ~5% of candidates, mostly
    /// one or two starts) and the last key is the most frequent: the merge branched on every value of it.
    @inline(__always)
    static func keptWithLastByStamps(_ kept: UnsafePointer<UInt32>, _ count: Int, offset: UInt64,
                                     _ last: (values: UnsafePointer<UInt32>, count: Int),
                                     stamps map: UnsafeMutablePointer<UInt8>) -> (matches: Int, end: UInt64) {
        let highest = UInt64(kept[count &- 1]) &+ offset
        if count == 1 {
            let probe = findPosition(highest, in: last)
            return (probe.found, probe.end)
        }
        guard highest < phraseStampLimit else { return (-1, 0) }
        let stamp = nextStamp(map)
        var slot = 0
        while slot < count {
            // Below the highest target, so below the limit: no clamping, every stamp exact.
            map[Int(truncatingIfNeeded: UInt64(kept[slot]) &+ offset)] = stamp
            slot &+= 1
        }
        // Positions are distinct, so each target found is counted once; past the highest none is stamped.
        let probe = countStamped(last, shift: 0, lastStamped: highest, stamp: stamp, in: map)
        return (probe.count, probe.end)
    }
}
