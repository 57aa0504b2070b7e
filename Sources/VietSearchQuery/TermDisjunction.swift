import VietSearchStorage

/// Top-k over a disjunction of keys alone (a bare term in its fields, `a OR b OR c` with `.bm25`, prefix
/// expansions): `MaxScoreDisjunction`'s algorithm (MaxScore over the leaves' whole-list bounds, block-max
/// skips over the skip entries' bounds, exact scores summed in the scorer tree's order) on `TermLeaf`
/// values held side by side and stepped in place. With keys only, two things get simpler:
/// - matches are counted before scoring, exactly and cheaply: a lone key's document frequency, the largest
///   list when it alone reaches the threshold (a lower bound, as pruning would give), else that list's
///   frequency plus the other lists' documents it lacks (the lists then hold fewer than leaves ×
///   threshold documents), so pruning starts at once;
/// - no leaf needs confirming (no phrase), so every candidate matches.
/// Hence every segment of such a query takes this path, whatever the threshold: the plain scorer tree it
/// replaces for short lists cost ~3× more per document (existentials, classes, reference counting).
final class TermDisjunction {
    /// Relative slack on bound comparisons: bounds and scores are summed in different orders.
    static let slack = 1e-9

    @exclusivity(unchecked) var leaves: [TermLeaf]
    let tree: ScoreSumTree
    /// Leaf count when the tree adds leaves 0, 1, … in order in one node (a bare key): summed directly.
    let flatCount: Int?
    let bounds: [Double]
    /// Each leaf's `cost`, read from here: reading it through `leaves[i]` (a class's array property)
    /// copied the whole leaf, ~10 references retained and released (callgrind, session 7).
    let costs: [UInt64]
    /// Leaf indices by ascending bound.
    private let byBound: [Int]
    /// `prefixBounds[i]` = the summed bounds of `byBound[0..<i]`.
    private let prefixBounds: [Double]
    let documentCount: UInt32

    /// The pruner of segment `index` for `weight`'s query, nil when the query is not a disjunction of keys
    /// alone (`QueryWeight.termLeaves`); it has no leaves when nothing matches in the segment.
    init?(_ weight: QueryWeight, segment index: Int) throws {
        guard var made = try weight.termLeaves(segment: index) else { return nil }
        let count = made.leaves.count
        var bounds: [Double] = [], costs: [UInt64] = []
        bounds.reserveCapacity(count)
        costs.reserveCapacity(count)
        // In place, before the leaves are shared with the property (see `TermLeaf.maxScore`).
        try made.leaves.withUnsafeMutableBufferPointer { leaf in
            for index in leaf.indices {
                bounds.append(try leaf[index].maxScore())
                costs.append(leaf[index].cost)
            }
        }
        leaves = made.leaves
        tree = made.tree
        documentCount = weight.segments[index].documentCount
        flatCount = made.tree.flatLeafCount == count ? count : nil
        self.bounds = bounds
        self.costs = costs
        (byBound, prefixBounds) = SummedBounds.ascendingOrder(of: bounds)
    }

    /// Counts the matches, then offers every competitive document to `collector`; call it once (the leaves
    /// are used up). Returns false when the count it added is only a lower bound.
    func collect(into collector: inout TopKCollector, segment: Int, totalHitsThreshold: Int) throws -> Bool {
        let exact: Bool
        var seededThreshold = -Double.infinity
        if leaves.count == 1 {
            // A key in one field: nothing to merge, its document frequency is the count.
            collector.addToTotal(Int(costs[0]))
            try leaves.withUnsafeMutableBufferPointer { leaf in
                try Self.walk(&leaf[0], skipping: [], into: &collector, segment: segment)
            }
            return true
        }
        if let (sparse, dense) = sparsePair() {
            if !reaches(totalHitsThreshold, collector, with: costs[dense]) {
                return try scorePairThenDense(sparse: sparse, dense: dense, into: &collector, segment: segment)
            }
            exact = try countUpFront(into: &collector, totalHitsThreshold: totalHitsThreshold)
            guard let seed = try scoreSparseFirst(sparse: sparse, dense: dense, into: &collector, segment: segment) else {
                return exact
            }
            seededThreshold = seed
        } else {
            exact = try countUpFront(into: &collector, totalHitsThreshold: totalHitsThreshold)
            // θ carried from earlier segments stands in for the seed (seeding again cost a restarted cursor
            // and a walk of the title list per segment).
            if collector.threshold == nil { seededThreshold = try initialThreshold(limit: collector.limit) }
        }
        // Taken out of the property so this is the only reference: a second one (the caller's array, a
        // copy) would make every cursor copy its block buffers on its first decode.
        var leaves: [TermLeaf] = []
        swap(&leaves, &self.leaves)
        let count = leaves.count
        guard count > 0 else { return exact }
        // The windowed loop pays at top-100, where θ stays low and most body documents are candidates;
        // at top-10 (θ high, few candidates) its per-window set-up cost more than it saved (callgrind:
        // or2 top-10 245k → 286k a query, multi 464k → 485k; top-100 575k → 547k and 997k → 893k).
        if collector.limit >= Self.windowedLimit {
            try leaves.withUnsafeMutableBufferPointer { leaf in
                try runWindows(leaf, seededThreshold: seededThreshold, collector: &collector, segment: segment)
            }
            return exact
        }
        var scores = [Double](filled: 0, count: count)
        // Whole 8-byte words, so that `run` clears the flags a word at a time (`clearFlags`).
        var matched = [Bool](filled: false, count: (count + 7) & ~7)
        try leaves.withUnsafeMutableBufferPointer { leaf in
            try scores.withUnsafeMutableBufferPointer { scores in
                try matched.withUnsafeMutableBufferPointer { matched in
                    try byBound.withUnsafeBufferPointer { byBound in
                        try bounds.withUnsafeBufferPointer { bounds in
                            try prefixBounds.withUnsafeBufferPointer { prefixBounds in
                                try run(leaf, scores: scores, matched: matched, byBound: byBound, bounds: bounds,
                                        prefixBounds: prefixBounds, seededThreshold: seededThreshold,
                                        collector: &collector, segment: segment)
                            }
                        }
                    }
                }
            }
        }
        return exact
    }

    /// The MaxScore loop (see `MaxScoreDisjunction.collect`, of which this is the keys-only case).
    private func run(_ leaf: UnsafeMutableBufferPointer<TermLeaf>, scores: UnsafeMutableBufferPointer<Double>,
                     matched: UnsafeMutableBufferPointer<Bool>, byBound: UnsafeBufferPointer<Int>,
                     bounds: UnsafeBufferPointer<Double>, prefixBounds: UnsafeBufferPointer<Double>,
                     seededThreshold: Double, collector: inout TopKCollector, segment: Int) throws {
        let count = leaf.count
        let noMoreDocs = PostingsCursor.noMoreDocs
        var essentialStart = 0
        var threshold = Swift.max(collector.threshold ?? -Double.infinity, seededThreshold)
        // θ may already be set (earlier segments, `initialThreshold`): the weakest leaves start non-essential.
        while essentialStart < count && prefixBounds[essentialStart + 1] * (1 + Self.slack) < threshold {
            essentialStart += 1
        }
        // The last block-max check that did not prune: its bound holds for every candidate up to
        // `checkedUntil` (the leaves it left out are past that, the others stay in the same blocks or leave
        // the sum), so while θ has not risen it cannot prune them either and is not redone (at top-100,
        // θ low, almost no check prunes and they cost ~60 instructions a candidate, callgrind).
        var checkedUntil: UInt32 = 0
        var checkedThreshold = Double.nan
        while true {
            var candidate = noMoreDocs
            for rank in essentialStart..<count { candidate = Swift.min(candidate, leaf[byBound[rank]].doc) }
            guard candidate != noMoreDocs else { return }
            if threshold > -Double.infinity && !(candidate <= checkedUntil && threshold == checkedThreshold) {
                // Block-max: when the leaves' bounds over the blocks holding the candidate cannot beat θ,
                // skip to the end of the nearest block without decoding anything in between.
                var blockUpper = 0.0
                var windowEnd = noMoreDocs - 1
                for index in 0..<count {
                    // A leaf already past the candidate has nothing before its current document.
                    let current = leaf[index].doc
                    if current > candidate {
                        windowEnd = Swift.min(windowEnd, current - 1)
                        continue
                    }
                    let part = try leaf[index].blockMax(at: candidate)
                    blockUpper += part.bound
                    windowEnd = Swift.min(windowEnd, part.lastDoc)
                }
                if blockUpper * (1 + Self.slack) < threshold {
                    guard windowEnd < noMoreDocs - 1 else { return }
                    for rank in essentialStart..<count where leaf[byBound[rank]].doc <= windowEnd {
                        _ = try leaf[byBound[rank]].advance(to: windowEnd + 1)
                    }
                    continue
                }
                checkedUntil = windowEnd
                checkedThreshold = threshold
            }
            // Essential leaves on the candidate are scored now; the others only while it can still compete.
            var upper = prefixBounds[essentialStart]
            for rank in essentialStart..<count {
                let index = byBound[rank]
                guard leaf[index].doc == candidate else { continue }
                let score = try leaf[index].score()
                scores[index] = score
                matched[index] = true
                upper += score
            }
            var competitive = upper * (1 + Self.slack) >= threshold
            var rank = essentialStart - 1
            while competitive && rank >= 0 {
                let index = byBound[rank]
                upper -= bounds[index]
                if try leaf[index].advance(to: candidate) == candidate {
                    let score = try leaf[index].score()
                    scores[index] = score
                    matched[index] = true
                    upper += score
                }
                competitive = upper * (1 + Self.slack) >= threshold
                rank -= 1
            }
            if competitive {
                collector.offer(score: exactScore(matched: matched, scores: scores), segment: segment, doc: candidate)
                if let current = collector.threshold, current > threshold {
                    threshold = current
                    while essentialStart < count && prefixBounds[essentialStart + 1] * (1 + Self.slack) < threshold {
                        essentialStart += 1
                    }
                }
            }
            Self.clearFlags(matched)
            for rank in essentialStart..<count where leaf[byBound[rank]].doc == candidate {
                _ = try leaf[byBound[rank]].nextDoc()
            }
        }
    }

    /// From this many hits up the MaxScore loop runs a window at a time (`runWindows`).
    static let windowedLimit = 50

    /// A leaf seeds θ when its list is at most this fraction of the longest one (a key's title list beside
    /// its body list).
    static let seedFraction: UInt64 = 8

    /// A lower bound of the k-th best score in the segment, to start the MaxScore loop with: the k-th best
    /// score of one sparse leaf on its own (leaf scores are ≥ 0, so a document's score is at least its
    /// score in one leaf), the sparse leaf with the highest bound. That is a title list: a short field with
    /// the highest bounds, so this θ usually leaves the body lists non-essential from the first document;
    /// in doc order θ rose slowly and the dense lists stayed essential for much of their length. −∞ when
    /// no sparse leaf has k documents. (Seeding from every sparse leaf cost more than it saved on 3–4 term
    /// queries, callgrind.)
    private func initialThreshold(limit: Int) throws -> Double {
        let longest = costs.max() ?? 0
        guard limit > 0 else { return -Double.infinity }
        // The sparse leaf of `limit` documents or more with the highest bound (the first on ties).
        var seed: Int?
        for index in costs.indices where costs[index] >= UInt64(limit) && costs[index] * Self.seedFraction <= longest {
            if let best = seed, bounds[index] <= bounds[best] { continue }
            seed = index
        }
        guard let seed else { return try unionThreshold(limit: limit, longest: longest) }
        var leaf = try restartedLeaf(seed)
        var top = TopKCollector(limit: limit)
        while leaf.doc != PostingsCursor.noMoreDocs {
            top.collect(score: try leaf.score(), segment: 0, doc: leaf.doc)
            _ = try leaf.nextDoc()
        }
        return top.threshold ?? -Double.infinity
    }

    /// When no sparse leaf alone holds `limit` documents (top-100: title lists are short), the k-th best of
    /// their documents' best single-leaf scores: a document's score is at least any one of its leaves'
    /// (non-negative terms added), so this too is a lower bound of the final θ; −∞ when the sparse leaves
    /// hold fewer than `limit` documents together.
    private func unionThreshold(limit: Int, longest: UInt64) throws -> Double {
        let sparse = costs.indices.filter { costs[$0] * Self.seedFraction <= longest }
        guard sparse.count > 1, sparse.reduce(0, { $0 + costs[$1] }) >= UInt64(limit) else { return -Double.infinity }
        var found: [(doc: UInt32, score: Double)] = []
        for index in sparse {
            var leaf = try restartedLeaf(index)
            while leaf.doc != PostingsCursor.noMoreDocs {
                found.append((leaf.doc, try leaf.score()))
                _ = try leaf.nextDoc()
            }
        }
        found.sort { $0.doc < $1.doc }
        var top = TopKCollector(limit: limit)
        var start = 0
        while start < found.count {
            var best = found[start].score
            var next = start + 1
            while next < found.count && found[next].doc == found[start].doc {
                best = Swift.max(best, found[next].score)
                next += 1
            }
            top.collect(score: best, segment: 0, doc: found[start].doc)
            start = next
        }
        return top.threshold ?? -Double.infinity
    }

    /// Leaf `index` back on its first document with a cursor of its own, read in place (see `costs`).
    func restartedLeaf(_ index: Int) throws -> TermLeaf {
        try leaves.withUnsafeMutableBufferPointer { try $0[index].restarted() }
    }

    /// Whether a list of `count` documents alone takes the collector's count to the threshold (then no
    /// union is counted: the list's frequency is the lower bound reported).
    func reaches(_ totalHitsThreshold: Int, _ collector: TopKCollector, with count: UInt64) -> Bool {
        totalHitsThreshold != Int.max && collector.totalHits + Int(count) >= totalHitsThreshold
    }

    /// Sets every flag of `flags` (a whole number of 8-byte words, at least one) to false, a word at a time.
    /// The loop of `Bool` stores it replaces compiled to a `memset` call per candidate (~14 instructions,
    /// 2.3k a median or2 query); the first word is stored outside the loop so the loop idiom does not
    /// become that call again for the usual ≤ 8 leaves.
    @inline(__always)
    static func clearFlags(_ flags: UnsafeMutableBufferPointer<Bool>) {
        precondition(flags.count >= 8 && flags.count & 7 == 0, "flags must be whole 8-byte words")
        guard let base = flags.baseAddress else { return }
        let raw = UnsafeMutableRawPointer(base)
        raw.storeBytes(of: 0, as: UInt64.self)
        var offset = 8
        while offset < flags.count {
            raw.storeBytes(of: 0, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
    }

    /// The score as the scorer tree sums it.
    @inline(__always)
    func exactScore(matched: UnsafeMutableBufferPointer<Bool>, scores: UnsafeMutableBufferPointer<Double>) -> Double {
        guard let flatCount else {
            return tree.sum(matched: UnsafeBufferPointer(matched), scores: UnsafeBufferPointer(scores))
        }
        var total = 0.0
        for index in 0..<flatCount where matched[index] { total += scores[index] }
        return total
    }

    /// `exactScore` for the leaves whose bit is set in `mask`, leaf `l`'s score at `scores[l * stride]`.
    @inline(__always)
    func exactScore(mask: UInt64, scores: UnsafePointer<Double>, stride: Int) -> Double {
        guard let flatCount else { return tree.sum(mask: mask, scores: scores, stride: stride) }
        var total = 0.0
        for index in 0..<flatCount where mask & (1 &<< UInt64(index)) != 0 { total += scores[index &* stride] }
        return total
    }

    /// Adds the matches to `collector` before any is scored (see the type's note); false when the count
    /// added is a lower bound.
    private func countUpFront(into collector: inout TopKCollector, totalHitsThreshold: Int) throws -> Bool {
        guard let largest = costs.indices.max(by: { costs[$0] < costs[$1] }) else { return true }
        let largestCount = Int(costs[largest])
        if leaves.count == 1 {
            collector.addToTotal(largestCount)
            return true
        }
        if totalHitsThreshold != Int.max && collector.totalHits + largestCount >= totalHitsThreshold {
            collector.addToTotal(largestCount)
            return false
        }
        // The union is the largest list (its live document frequency) plus the other lists' documents it
        // lacks: those are marked on a bitset and looked up in the largest list with `advance`, which
        // decodes only its blocks that may hold one (a bare key: its title list against its body list).
        var bits = [UInt64](filled: 0, count: (Int(documentCount) + 63) / 64)
        var lookup = try leaves.withUnsafeMutableBufferPointer { leaf in
            for index in leaf.indices where index != largest { try leaf[index].markAllDocs(in: &bits) }
            return try leaf[largest].restarted()
        }
        var total = largestCount
        for (word, value) in bits.enumerated() {
            var remaining = value
            while remaining != 0 {
                let doc = UInt32(word << 6 | remaining.trailingZeroBitCount)
                remaining &= remaining - 1
                if try lookup.advance(to: doc) != doc { total += 1 }
            }
        }
        collector.addToTotal(total)
        return true
    }
}
