/// The score bound of one postings block (format 5, FORMAT.md "Postings"): at most two (tf, field
/// length) **impacts** such that every document of the block has a tf ≤ and a length ≥ those of one of
/// them. Any score that grows with tf and shrinks with length (BM25 for every k1, b and avgdl, which are
/// global across segments) is then at most the best of the two impacts' scores.
///
/// The block's Pareto frontier of (tf, length) pairs is exact; when it has more than two points, its
/// neighbours are merged into two corners (each the highest tf and the lowest length of its group), the
/// split chosen to minimise the bound at BM25's defaults. A single (max tf, min length) pair, as format 4
/// stored, mixes two documents and was up to ~20% above the block's best score.
package struct BlockImpacts: Equatable, Sendable {
    /// The impact with the smaller tf (and the smaller length), and the other; `second` is (0, 0) (which
    /// bounds nothing) when the block has a single impact.
    package var first: (termFrequency: UInt32, fieldLength: UInt32)
    package var second: (termFrequency: UInt32, fieldLength: UInt32)

    package init(first: (UInt32, UInt32), second: (UInt32, UInt32) = (0, 0)) {
        self.first = (first.0, first.1)
        self.second = (second.0, second.1)
    }

    package static func == (lhs: BlockImpacts, rhs: BlockImpacts) -> Bool {
        lhs.first == rhs.first && lhs.second == rhs.second
    }

    /// Skip entries hold each impact in 16-bit fields. A larger tf is stored as `saturatedFrequency` and
    /// read back as `UInt32.max` (no document beats it); a larger length is stored as `UInt16.max`, which is
    /// smaller, so the bound stays above every document.
    package static let saturatedFrequency: UInt32 = 0xFFFF

    /// The best of the two impacts under `score` (increasing in tf, decreasing in length).
    @inline(__always)
    package func bound(_ score: (_ termFrequency: UInt32, _ fieldLength: UInt32) -> Double) -> Double {
        let firstScore = score(first.termFrequency, first.fieldLength)
        return second.termFrequency == 0 ? firstScore : Swift.max(firstScore, score(second.termFrequency, second.fieldLength))
    }

    /// Whether a document with this tf and field length is covered (its score cannot exceed the bound).
    package func covers(termFrequency: UInt32, fieldLength: UInt32) -> Bool {
        (termFrequency <= first.termFrequency && fieldLength >= first.fieldLength)
            || (termFrequency <= second.termFrequency && fieldLength >= second.fieldLength)
    }

    /// The impacts of a block whose documents have these (tf, field length) pairs (not empty). `frontier`
    /// is scratch space reused across blocks.
    package static func of(frequencies: UnsafeBufferPointer<UInt32>, lengths: UnsafeBufferPointer<UInt32>,
                           averageLength: Double, frontier: inout [(UInt32, UInt32)]) -> BlockImpacts {
        // Frontier by descending tf: a pair is on it when its length is below every pair with a higher tf
        // (ties in tf: the shortest). Sorting 128 pairs costs less than the postings encoding around it.
        frontier.removeAll(keepingCapacity: true)
        for index in 0..<frequencies.count { frontier.append((frequencies[index], lengths[index])) }
        frontier.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        var kept = 0
        var shortest = UInt32.max
        for index in frontier.indices where frontier[index].1 < shortest {
            shortest = frontier[index].1
            frontier[kept] = frontier[index]
            kept += 1
        }
        // Ascending tf (and length) from here.
        frontier.removeLast(frontier.count - kept)
        frontier.reverse()
        if kept == 1 { return BlockImpacts(first: frontier[0]) }
        if kept == 2 { return BlockImpacts(first: frontier[0], second: frontier[1]) }
        // Groups frontier[0..<split] and frontier[split...]: corners (tf of the group's last, length of its first).
        let reference = BM25Reference(averageLength: averageLength)
        var bestSplit = 1
        var bestBound = Double.infinity
        for split in 1..<kept {
            let low = reference.score(frontier[split - 1].0, frontier[0].1)
            let high = reference.score(frontier[kept - 1].0, frontier[split].1)
            let bound = Swift.max(low, high)
            if bound < bestBound {
                bestBound = bound
                bestSplit = split
            }
        }
        return BlockImpacts(first: (frontier[bestSplit - 1].0, frontier[0].1),
                            second: (frontier[kept - 1].0, frontier[bestSplit].1))
    }

    /// BM25's tf/length factor at k1 1.2, b 0.75 (idf and boost do not change which split is best).
    private struct BM25Reference {
        let averageLength: Double
        func score(_ termFrequency: UInt32, _ fieldLength: UInt32) -> Double {
            let norm = averageLength > 0 ? 0.25 + 0.75 * Double(fieldLength) / averageLength : 1
            let frequency = Double(termFrequency)
            return frequency / (frequency + 1.2 * norm)
        }
    }

    /// The 16-bit fields of a skip entry (saturated, see `saturatedFrequency`).
    func appendSaturated(to out: inout [UInt8]) {
        for impact in [first, second] {
            out.appendUInt16(UInt16(Swift.min(impact.termFrequency, Self.saturatedFrequency)))
            out.appendUInt16(UInt16(Swift.min(impact.fieldLength, UInt32(UInt16.max))))
        }
    }

    /// Reads what `appendSaturated` wrote from the 8 bytes of `buffer` (bounds checked by the caller).
    static func loadSaturated(from buffer: UnsafeRawBufferPointer) -> BlockImpacts {
        func field(_ at: Int) -> UInt32 {
            UInt32(UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        }
        func frequency(_ at: Int) -> UInt32 {
            let value = field(at)
            return value == saturatedFrequency ? UInt32.max : value
        }
        return BlockImpacts(first: (frequency(0), field(2)), second: (frequency(4), field(6)))
    }

    /// A ShortList's head: `tf·2 + (1 if a second impact follows)`, the length, then the second impact's
    /// tf and length; exact values (varints need no saturation).
    func appendShortListHead(to out: inout [UInt8]) {
        let hasSecond = second.termFrequency != 0
        out.appendVarint(UInt64(first.termFrequency) << 1 | (hasSecond ? 1 : 0))
        out.appendVarint(first.fieldLength)
        if hasSecond {
            out.appendVarint(second.termFrequency)
            out.appendVarint(second.fieldLength)
        }
    }

    /// Reads what `appendShortListHead` wrote.
    static func readShortListHead(_ reader: inout ByteReader) throws -> BlockImpacts {
        let start = reader.offset
        let code = try reader.readVarint()
        guard code >> 1 <= UInt64(UInt32.max) else { throw reader.corrupt("impact tf \(code >> 1) exceeds 32 bits", at: start) }
        var impacts = BlockImpacts(first: (UInt32(code >> 1), try reader.readVarint32()))
        if code & 1 == 1 {
            impacts.second = (try reader.readVarint32(), try reader.readVarint32())
            guard impacts.second.termFrequency > 0 else { throw reader.corrupt("second impact has tf 0", at: start) }
        }
        return impacts
    }

    /// Stored form as a skip entry would read back (what `appendSaturated` then `loadSaturated` give).
    package var saturated: BlockImpacts {
        func tf(_ value: UInt32) -> UInt32 { value >= Self.saturatedFrequency ? UInt32.max : value }
        return BlockImpacts(first: (tf(first.termFrequency), Swift.min(first.fieldLength, UInt32(UInt16.max))),
                            second: (tf(second.termFrequency), Swift.min(second.fieldLength, UInt32(UInt16.max))))
    }
}
