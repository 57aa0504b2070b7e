import VietSearchStorage

/// `KeyConjunction`'s loop over the bitset's matches a window of documents at a time (at top-100 θ stays
/// below the body lists' bounds for long and most matches must be scored). The document-at-a-time loop
/// advanced every leaf to every match (a non-inlined `advance` of ~80 instructions, re-decoding blocks, plus
/// the matched flags reset); here each essential leaf fills a per-(leaf, slot) score buffer for the window's
/// matches, either by walking its documents in the window (`nextDoc` and a bit test each: a list at most a
/// few times denser than the matches) or by advancing to each match (a much denser list); then the window's
/// matches are visited in doc order: while some leaves are non-essential, a match no essential leaf holds is
/// skipped and the others look up the non-essential leaves while they can still beat θ, as the candidate loop
/// did; a competitive match is offered with its score summed in the scorer tree's order from its slot's leaf
/// mask (`ScoreSumTree.sum(mask:scores:stride:)`, bit-identical to `sum(matched:scores:)`). The collector
/// keeps exactly what the candidate loop kept: the same matches are offered in the same order.
struct MatchWindows {
    /// Documents in a window at most (64-document words of the bitset).
    static let windowSize = 1_024
    /// A leaf walks its window when it holds at most this many documents per match there (estimated from
    /// its list's density): stepping over a document costs a few instructions, an `advance` ~80.
    static let walkedDocumentsPerMatch = 8.0

    /// Leaf `l`'s score on slot `s` (document `windowStart + s`) at `l * windowSize + s`; valid where the
    /// slot's mask has bit `l` (not zeroed, see `init`).
    private var leafScores: [Double]
    /// Per slot, the leaves holding the document (bit `l`); cleared as the slot is offered.
    private var masks: [UInt64]

    init(leafCount: Int) {
        // Not zeroed: a slot's score is read only where its mask says it was written.
        leafScores = [Double](unsafeUninitializedCapacity: leafCount * Self.windowSize) { _, written in
            written = leafCount * Self.windowSize
        }
        masks = [UInt64](filled: 0, count: Self.windowSize)
    }

    /// Scores and offers the matches of the window starting at the first match >= `start`; returns the
    /// first document after the window (every leaf on or past it), or `noMoreDocs` when no match is left.
    mutating func scoreWindow(from start: UInt32, _ leaf: UnsafeMutableBufferPointer<TermLeaf>,
                              matches: UnsafeBufferPointer<UInt64>, plan: KeyConjunction.Plan, essentialStart: Int,
                              threshold: inout Double, collector: inout TopKCollector, segment: Int) throws -> UInt32 {
        let documentCount = plan.documentCount
        let first = KeyConjunction.nextSetBit(matches, atOrAfter: start)
        guard first != PostingsCursor.noMoreDocs else { return first }
        // Windows start on a 64-document word, so the window's matches are whole words of the bitset.
        let windowStart = first & ~63
        let windowEnd = UInt32(Swift.min(UInt64(windowStart) + UInt64(Self.windowSize), UInt64(documentCount)))
        let firstWord = Int(windowStart >> 6)
        let endWord = Swift.min(Int((UInt64(windowEnd) + 63) >> 6), matches.count)
        var matchCount = 0
        for word in firstWord..<endWord { matchCount += matches[word].nonzeroBitCount }
        let width = Self.windowSize
        try leafScores.withUnsafeMutableBufferPointer { scores in
            try masks.withUnsafeMutableBufferPointer { masks in
                for rank in essentialStart..<leaf.count {
                    let index = plan.byBound[rank]
                    let bit = UInt64(1) << UInt64(index)
                    let base = index * width
                    let listed = Double(leaf[index].cost) * Double(windowEnd - windowStart) / Double(Swift.max(documentCount, 1))
                    if listed <= Self.walkedDocumentsPerMatch * Double(matchCount) {
                        var doc = try leaf[index].advance(to: windowStart)
                        while doc < windowEnd {
                            if KeyConjunction.isSet(matches, doc) {
                                let slot = Int(doc - windowStart)
                                scores[base + slot] = try leaf[index].score()
                                masks[slot] |= bit
                            }
                            doc = try leaf[index].nextDoc()
                        }
                    } else {
                        for word in firstWord..<endWord {
                            var bits = matches[word]
                            while bits != 0 {
                                let doc = UInt32(word << 6 | bits.trailingZeroBitCount)
                                bits &= bits &- 1
                                guard try leaf[index].advance(to: doc) == doc else { continue }
                                let slot = Int(doc - windowStart)
                                scores[base + slot] = try leaf[index].score()
                                masks[slot] |= bit
                            }
                        }
                        // Past the window, as a walked leaf is (the next window or candidate is after it).
                        _ = try leaf[index].advance(to: windowEnd)
                    }
                }
                guard let base = UnsafePointer(scores.baseAddress) else { return }
                for word in firstWord..<endWord {
                    var bits = matches[word]
                    while bits != 0 {
                        let doc = UInt32(word << 6 | bits.trailingZeroBitCount)
                        bits &= bits &- 1
                        let slot = Int(doc - windowStart)
                        var mask = masks[slot]
                        masks[slot] = 0
                        if essentialStart > 0 {
                            // As the candidate loop: a match no essential leaf holds cannot reach θ; the others
                            // look up the non-essential leaves, highest bound first, while they can still compete.
                            guard mask != 0 else { continue }
                            var upper = plan.prefixBounds[essentialStart]
                            for rank in essentialStart..<leaf.count where mask & (1 << UInt64(plan.byBound[rank])) != 0 {
                                upper += scores[plan.byBound[rank] * width + slot]
                            }
                            var competitive = upper * (1 + KeyConjunction.slack) >= threshold
                            var rank = essentialStart - 1
                            while competitive && rank >= 0 {
                                let index = plan.byBound[rank]
                                upper -= plan.bounds[index]
                                if try leaf[index].advance(to: doc) == doc {
                                    let score = try leaf[index].score()
                                    scores[index * width + slot] = score
                                    mask |= 1 << UInt64(index)
                                    upper += score
                                }
                                competitive = upper * (1 + KeyConjunction.slack) >= threshold
                                rank -= 1
                            }
                            guard competitive else { continue }
                        }
                        collector.offer(score: plan.tree.sum(mask: mask, scores: base + slot, stride: width),
                                        segment: segment, doc: doc)
                        if let current = collector.threshold, current > threshold { threshold = current }
                    }
                }
            }
        }
        return windowEnd
    }
}
