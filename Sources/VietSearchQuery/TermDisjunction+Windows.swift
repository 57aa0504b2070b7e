import VietSearchStorage

/// `TermDisjunction`'s MaxScore loop a window of documents at a time (the design of Lucene's
/// `MaxScoreBulkScorer`): per window, each leaf's bound over the window's blocks decides which leaves are
/// essential there (a leaf whose block bounds in the window are low drops out of the candidates, where the
/// whole-list bounds kept most body lists essential at top-100); each essential leaf then walks its
/// documents in the window in one tight loop, its scores kept per leaf and document slot; last, the
/// window's candidates are visited in doc order, the non-essential leaves looked up while the candidate can
/// still beat θ, and the competitive ones offered with the score summed in the scorer tree's order.
/// This removes the document-at-a-time loop's per-candidate work over every leaf (the minimum of their
/// documents, the matched flags reset, the step of each leaf on the candidate).
extension TermDisjunction {
    /// Documents in a window at most: the per-leaf score buffer holds leaves × this many slots.
    static let windowSize = 1_024

    /// Scratch of the windowed loop, allocated once per segment.
    struct WindowBuffers {
        /// Leaf `l`'s score on slot `s` (document `windowStart + s`) at `l * windowSize + s`; valid where
        /// the slot's mask has bit `l`.
        var leafScores: [Double]
        /// Per slot, the leaves matched so far (bit `l`).
        var masks: [UInt64]
        /// Per slot, the essential leaves' scores added in any order (a bound: compared with slack).
        var sums: [Double]
        /// Slots holding a candidate (bit `s`), to visit them in order without scanning every slot.
        var occupied: [UInt64]

        init(leafCount: Int) {
            // Not zeroed: a slot's score is read only where its mask says it was written.
            leafScores = [Double](unsafeUninitializedCapacity: leafCount * TermDisjunction.windowSize) { _, written in
                written = leafCount * TermDisjunction.windowSize
            }
            masks = [UInt64](filled: 0, count: TermDisjunction.windowSize)
            sums = [Double](filled: 0, count: TermDisjunction.windowSize)
            occupied = [UInt64](filled: 0, count: TermDisjunction.windowSize / 64)
        }
    }

    /// The windowed MaxScore loop over `leaf` (at most 64 leaves), θ starting at the larger of the
    /// collector's and `seededThreshold`.
    func runWindows(_ leaf: UnsafeMutableBufferPointer<TermLeaf>, seededThreshold: Double,
                    collector: inout TopKCollector, segment: Int) throws {
        let count = leaf.count
        guard count > 0 else { return }
        var buffers = WindowBuffers(leafCount: count)
        var windowBounds = [Double](filled: 0, count: count)
        var order = [Int](0..<count)
        var nonEssentialSums = [Double](filled: 0, count: count + 1)
        var essential = [Bool](filled: true, count: count)
        try buffers.leafScores.withUnsafeMutableBufferPointer { leafScores in
            try buffers.masks.withUnsafeMutableBufferPointer { masks in
                try buffers.sums.withUnsafeMutableBufferPointer { sums in
                    try buffers.occupied.withUnsafeMutableBufferPointer { occupied in
                        try windowBounds.withUnsafeMutableBufferPointer { windowBounds in
                            try order.withUnsafeMutableBufferPointer { order in
                                try nonEssentialSums.withUnsafeMutableBufferPointer { nonEssentialSums in
                                    try essential.withUnsafeMutableBufferPointer { essential in
                                        var loop = WindowLoop(leaf: leaf, leafScores: leafScores, masks: masks, sums: sums,
                                                              occupied: occupied, windowBounds: windowBounds, order: order,
                                                              nonEssentialSums: nonEssentialSums, essential: essential)
                                        try loop.run(self, seededThreshold: seededThreshold, collector: &collector,
                                                     segment: segment)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The windowed loop's state, on buffers (see `TermDisjunction.runWindows`).
private struct WindowLoop {
    let leaf: UnsafeMutableBufferPointer<TermLeaf>
    let leafScores: UnsafeMutableBufferPointer<Double>
    let masks: UnsafeMutableBufferPointer<UInt64>
    let sums: UnsafeMutableBufferPointer<Double>
    let occupied: UnsafeMutableBufferPointer<UInt64>
    /// Each leaf's bound over the current window (0 when it has no document there).
    let windowBounds: UnsafeMutableBufferPointer<Double>
    /// Leaf indices by ascending window bound: `order[0..<essentialStart]` are the non-essential leaves.
    let order: UnsafeMutableBufferPointer<Int>
    /// `nonEssentialSums[r]` = the window bounds of `order[0..<r]` summed.
    let nonEssentialSums: UnsafeMutableBufferPointer<Double>
    /// Whether each leaf was essential in the last window (those leaves' blocks end the next window).
    let essential: UnsafeMutableBufferPointer<Bool>

    mutating func run(_ disjunction: TermDisjunction, seededThreshold: Double, collector: inout TopKCollector,
                      segment: Int) throws {
        let count = leaf.count
        let noMoreDocs = PostingsCursor.noMoreDocs
        let slack = TermDisjunction.slack
        let width = TermDisjunction.windowSize
        var threshold = Swift.max(collector.threshold ?? -Double.infinity, seededThreshold)
        var windowStart = noMoreDocs
        for index in 0..<count { windowStart = Swift.min(windowStart, leaf[index].doc) }
        while windowStart != noMoreDocs {
            // The window: up to the nearest block end of the leaves essential in the last window, so their
            // bounds there are one block's.
            var windowEnd = windowStart &+ UInt32(width - 1)
            if windowEnd < windowStart { windowEnd = noMoreDocs - 1 }
            let pruning = threshold > -Double.infinity
            if pruning {
                for index in 0..<count where essential[index] && leaf[index].doc <= windowEnd {
                    let block = try leaf[index].blockMax(at: Swift.max(leaf[index].doc, windowStart))
                    windowEnd = Swift.min(windowEnd, block.lastDoc)
                }
            }
            // Partition: the weakest leaves whose window bounds together cannot beat θ are non-essential.
            var essentialStart = 0
            if pruning {
                for index in 0..<count {
                    let current = leaf[index].doc
                    windowBounds[index] = current > windowEnd ? 0
                        : try leaf[index].windowBound(from: Swift.max(current, windowStart), through: windowEnd)
                }
                // Insertion sort by bound (a handful of leaves), ties in leaf order.
                for rank in 0..<count { order[rank] = rank }
                for rank in 1..<Swift.max(count, 1) {
                    let moving = order[rank]
                    var slot = rank
                    while slot > 0 && windowBounds[order[slot - 1]] > windowBounds[moving] {
                        order[slot] = order[slot - 1]
                        slot -= 1
                    }
                    order[slot] = moving
                }
                var prefix = 0.0
                nonEssentialSums[0] = 0
                while essentialStart < count {
                    let next = prefix + windowBounds[order[essentialStart]]
                    guard next * (1 + slack) < threshold else { break }
                    prefix = next
                    essentialStart += 1
                    nonEssentialSums[essentialStart] = prefix
                }
                for index in 0..<count { essential[index] = false }
                for rank in essentialStart..<count { essential[order[rank]] = true }
            } else {
                for rank in 0..<count { order[rank] = rank }
                nonEssentialSums[0] = 0
            }
            if essentialStart < count {
                threshold = try scoreWindow(disjunction, from: windowStart, through: windowEnd,
                                            essentialStart: essentialStart, threshold: threshold,
                                            collector: &collector, segment: segment)
            }
            // Doc ids are below the segment's document count: a leaf left behind (non-essential, not moved
            // past this window) has no known next document, so windows would otherwise march on past the end.
            guard windowEnd < disjunction.documentCount &- 1 else { return }
            // The next window starts after this one, or at the first document of any leaf past it.
            windowStart = windowEnd + 1
            var first = noMoreDocs
            for index in 0..<count { first = Swift.min(first, leaf[index].doc) }
            windowStart = Swift.max(windowStart, first)
        }
    }

    /// Scores the window `start...end` with the leaves `order[essentialStart...]` essential; returns θ.
    private mutating func scoreWindow(_ disjunction: TermDisjunction, from start: UInt32, through end: UInt32,
                                      essentialStart: Int, threshold initial: Double,
                                      collector: inout TopKCollector, segment: Int) throws -> Double {
        let count = leaf.count
        let width = TermDisjunction.windowSize
        let slack = TermDisjunction.slack
        var threshold = initial
        // Essential leaves: every document in the window scored into its slot.
        for rank in essentialStart..<count {
            let index = order[rank]
            var doc = try leaf[index].advance(to: start)
            let bit: UInt64 = 1 &<< UInt64(index)
            let base = index &* width
            while doc <= end {
                let slot = Int(doc &- start)
                let score = try leaf[index].score()
                leafScores[base &+ slot] = score
                masks[slot] |= bit
                sums[slot] += score
                occupied[slot >> 6] |= 1 &<< UInt64(slot & 63)
                doc = try leaf[index].nextDoc()
            }
        }
        // Candidates in doc order; every visited slot is cleared for the next window.
        let nonEssentialBound = nonEssentialSums[essentialStart]
        let words = (Int(end &- start) &+ 64) >> 6
        for word in 0..<words {
            var bits = occupied[word]
            occupied[word] = 0
            while bits != 0 {
                let slot = word << 6 | bits.trailingZeroBitCount
                bits &= bits &- 1
                let doc = start &+ UInt32(slot)
                var mask = masks[slot]
                var upper = sums[slot] + nonEssentialBound
                masks[slot] = 0
                sums[slot] = 0
                var competitive = upper * (1 + slack) >= threshold
                var rank = essentialStart - 1
                while competitive && rank >= 0 {
                    let index = order[rank]
                    upper -= windowBounds[index]
                    if try leaf[index].advance(to: doc) == doc {
                        let score = try leaf[index].score()
                        leafScores[index &* width &+ slot] = score
                        mask |= 1 &<< UInt64(index)
                        upper += score
                    }
                    competitive = upper * (1 + slack) >= threshold
                    rank -= 1
                }
                guard competitive, let base = leafScores.baseAddress else { continue }
                let score = disjunction.exactScore(mask: mask, scores: base + slot, stride: width)
                collector.offer(score: score, segment: segment, doc: doc)
                if let current = collector.threshold, current > threshold { threshold = current }
            }
        }
        return threshold
    }
}
