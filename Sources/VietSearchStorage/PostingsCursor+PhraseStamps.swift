/// The phrase joins' two-key step by a stamp map of positions instead of a merge. A merge of two keys'
/// positions branches on every comparison of two running sums, and which way it goes is data: on the phrase
/// class (thousands of candidate documents a query, most failing) those branches' mispredictions were much
/// of the joins' wall time. Here the key with fewer positions stamps them in a map of one byte per position,
/// and the other key's positions look up the byte at their phrase distance: the loops branch only on their
/// exits. The candidate's stamp is a generation number (the map is cleared once per 255 candidates, not per
/// candidate). The map covers positions below `phraseStampLimit`; a document whose stamped positions reach
/// it is left to the merge.
extension PostingsCursor {
    /// Bytes of the caller's map (`nextExactPhrase`'s `stamps`), zeroed before its first use: a byte per
    /// position below the limit, the limit's byte (positions at or past it), a byte for stamps not to be
    /// found, and the last stamp handed out.
    package static let phraseStampBytes = Int(phraseStampLimit) + 3

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

    /// Stamps `document`'s positions `p` ≥ `minimum` (summed from its values) at `p + shift` (clamped to the
    /// limit; positions below `minimum` at the byte never looked up). Returns the last position.
    @inline(__always)
    static func stampPositions(_ document: (values: UnsafePointer<UInt32>, count: Int), from minimum: UInt64, shift: UInt64,
                               stamp: UInt8, in map: UnsafeMutablePointer<UInt8>) -> UInt64 {
        let limit = phraseStampLimit
        var position = UInt64.max
        for slot in 0..<document.count {
            position = position &+ UInt64(document.values[slot]) &+ 1
            let byte = position >= minimum ? Swift.min(position &+ shift, limit) : limit &+ 1
            map[Int(truncatingIfNeeded: byte)] = stamp
        }
        return position
    }

    /// Two keys by stamps: how many positions `p` of `first` have `p + 1` among `second`'s, with both keys'
    /// last positions (the caller checks them against 2^32); nil when a stamped position reaches the limit
    /// (the caller merges).
    @inline(__always)
    static func adjacentPairsByStamps(_ first: (values: UnsafePointer<UInt32>, count: Int),
                                      _ second: (values: UnsafePointer<UInt32>, count: Int),
                                      stamps map: UnsafeMutablePointer<UInt8>) -> (pairs: Int, firstEnd: UInt64, secondEnd: UInt64)? {
        let limit = phraseStampLimit
        let stamp = nextStamp(map)
        // The fewer positions are stamped: a stamp is a store, a look-up a load.
        let stampsFirst = first.count <= second.count
        let (stamped, probed) = stampsFirst ? (first, second) : (second, first)
        let (stampShift, probeShift): (UInt64, UInt64) = stampsFirst ? (1, 0) : (0, 1)
        let stampedEnd = stampPositions(stamped, from: 0, shift: stampShift, stamp: stamp, in: map)
        guard stampedEnd &+ stampShift < limit else { return nil }
        var pairs = 0
        var position = UInt64.max
        for slot in 0..<probed.count {
            position = position &+ UInt64(probed.values[slot]) &+ 1
            let byte = Swift.min(position &+ probeShift, limit)
            pairs &+= map[Int(truncatingIfNeeded: byte)] == stamp ? 1 : 0
        }
        return stampsFirst ? (pairs, stampedEnd, position) : (pairs, position, stampedEnd)
    }

    /// `pairedPositions` by stamps: the lead's positions `p` ≥ `leadOffset` with `p + offset` (wrapping)
    /// among the other key's positions, written ascending to `kept` (room for both keys' tfs), with both keys'
    /// last positions; nil when a stamped position reaches the limit (the caller merges).
    @inline(__always)
    static func pairedPositionsByStamps(_ lead: (values: UnsafePointer<UInt32>, count: Int), leadOffset: UInt64,
                                        _ other: (values: UnsafePointer<UInt32>, count: Int), offset: UInt64,
                                        into kept: UnsafeMutablePointer<UInt32>,
                                        stamps map: UnsafeMutablePointer<UInt8>) -> (kept: Int, leadEnd: UInt64, filterEnd: UInt64)? {
        let limit = phraseStampLimit
        let stamp = nextStamp(map)
        var found = 0
        var position = UInt64.max
        if lead.count <= other.count {
            // The lead's positions p ≥ leadOffset stamped at p + offset (≥ 0 there), looked up by the other key's.
            let leadEnd = stampPositions(lead, from: leadOffset, shift: offset, stamp: stamp, in: map)
            guard leadEnd < leadOffset || leadEnd &+ offset < limit else { return nil }
            for slot in 0..<other.count {
                position = position &+ UInt64(other.values[slot]) &+ 1
                let present = map[Int(truncatingIfNeeded: Swift.min(position, limit))] == stamp
                // Written every time, kept only when found: no branch on the data.
                kept[found] = UInt32(truncatingIfNeeded: position &- offset)
                found &+= present ? 1 : 0
            }
            return (found, leadEnd, position)
        }
        let otherEnd = stampPositions(other, from: 0, shift: 0, stamp: stamp, in: map)
        guard otherEnd < limit else { return nil }
        for slot in 0..<lead.count {
            position = position &+ UInt64(lead.values[slot]) &+ 1
            // A start before position 0 (p < leadOffset) is not counted, whatever its look-up found.
            let present = map[Int(truncatingIfNeeded: Swift.min(position &+ offset, limit))] == stamp
            kept[found] = UInt32(truncatingIfNeeded: position)
            found &+= present && position >= leadOffset ? 1 : 0
        }
        return (found, position, otherEnd)
    }
}
