import VietSearchStorage

/// Top-k over a conjunction of key groups alone (`a AND b` with `.bm25`: each MUST clause a word's keys in
/// title and body, or an OR of keys; exclusions allowed, no optional clause): `ConjunctivePruner`'s
/// algorithm on `TermLeaf` values held side by side and stepped in place (no class, existential or
/// reference counting per document: those were a third of an and2 query's instructions, callgrind).
///
/// Counting: when the groups' lists are of similar length (the usual and2 pair), the matches are counted
/// on bitsets first, exactly: each group's leaves mark their documents (whole blocks, no per-document
/// calls), the groups are intersected and the exclusions cleared, and a popcount gives the total. The
/// leapfrog it replaces advanced every leaf to every match (~150 instructions a call) until the count
/// reached the threshold. The top k then comes from MaxScore over the leaves, a candidate tested on the
/// bitset, θ seeded from the sparse leaf with the highest bound (a title list). When one group is much
/// rarer than the others, the leapfrog is cheaper (it touches only the rare group's documents) and
/// counts as before, skipping the score of a match whose leaves' bounds cannot beat θ.
///
/// Exact: the same top k with bit-identical scores (summed as the scorer tree sums them) and the same
/// count up to the threshold as exhaustive scoring (`PruningTests`, `KeyConjunctionTests`).
final class KeyConjunction {
    /// Relative slack on bound comparisons: bounds and scores are summed in different orders.
    static let slack = 1e-9
    /// A leaf seeds θ when its list is at most this fraction of the longest one (as in `TermDisjunction`).
    private static let seedFraction: UInt64 = 8
    /// The bitset count is chosen when the lists hold fewer documents than this many times those of the
    /// cheapest group that the leapfrog would walk (it advances every leaf per step, ~150 instructions a
    /// leaf, against ~20 a document to mark one). Tuned on the harness's 200 and2 queries (callgrind,
    /// whole run): 6 → 344 M, 12 → 325 M, 25 → 311 M, 50 → 313 M, always → 339 M.
    private static let leapfrogCostPerDocument = 25.0
    /// From this many hits up, the bitset's matches are scored a window at a time (`MatchWindows`); below
    /// it θ rises after a few matches and the candidate loop prunes sooner.
    static let windowedLimit = 50
    /// The windows are used only when the bitset holds more than this many matches per hit asked for.
    static let windowedMatchesPerHit = 2

    /// What `MatchWindows` reads of the conjunction (its sums, bounds and their order), passed as one value.
    struct Plan {
        let tree: ScoreSumTree
        let bounds: [Double]
        let byBound: [Int]
        let prefixBounds: [Double]
        let documentCount: UInt32
    }

    @exclusivity(unchecked) private var leaves: [TermLeaf]
    /// Groups by ascending cost: the cheapest disagrees most often, so it is asked first.
    private let groups: [Range<Int>]
    private let tree: ScoreSumTree
    private let excluded: [any DocScorer]
    private let bounds: [Double]
    /// Each leaf's `cost`, read from here (through `leaves` every read copied a whole leaf).
    private let costs: [UInt64]
    /// Leaf indices by ascending bound, and `prefixBounds[i]` = the bounds of `byBound[0..<i]` summed.
    private let byBound: [Int]
    private let prefixBounds: [Double]
    private let documentCount: UInt32

    /// Nil unless every leaf is a key (a `TermScorer`) of a MUST group: no optional clause.
    convenience init?(_ parts: ConjunctiveParts, documentCount: UInt32) throws {
        guard !parts.groups.isEmpty, parts.groups.last?.upperBound == parts.leaves.count else { return nil }
        var leaves: [TermLeaf] = []
        leaves.reserveCapacity(parts.leaves.count)
        for leaf in parts.leaves {
            guard let term = leaf as? TermScorer else { return nil }
            leaves.append(term.leaf)
        }
        try self.init(ConjunctiveTermLeaves(leaves: leaves, groups: parts.groups, tree: parts.tree, excluded: parts.excluded),
                      documentCount: documentCount)
    }

    /// The conjunction of `parts`' groups (`QueryWeight.conjunctiveTermLeaves`, no `TermScorer` made): one
    /// or more non-empty groups that together cover every leaf.
    init(_ parts: consuming ConjunctiveTermLeaves, documentCount: UInt32) throws {
        // Bounds and costs read in place, before the leaves are shared with the property: iterating the
        // array, or a non-mutating call on an element, copied whole leaves (see `TermLeaf.maxScore`).
        var bounds: [Double] = []
        var costs: [UInt64] = []
        bounds.reserveCapacity(parts.leaves.count)
        costs.reserveCapacity(parts.leaves.count)
        try parts.leaves.withUnsafeMutableBufferPointer { leaf in
            for index in leaf.indices {
                bounds.append(try leaf[index].maxScore())
                costs.append(leaf[index].cost)
            }
        }
        func groupCost(_ group: Range<Int>) -> UInt64 { costs[group].reduce(0, &+) }
        groups = parts.groups.count == 1 ? parts.groups : parts.groups.sorted { groupCost($0) < groupCost($1) }
        leaves = parts.leaves
        tree = parts.tree
        excluded = parts.excluded
        self.documentCount = documentCount
        self.bounds = bounds
        self.costs = costs
        (byBound, prefixBounds) = SummedBounds.ascendingOrder(of: bounds)
    }

    /// Offers the competitive documents to `collector` and counts matches (exactly, or up to
    /// `totalHitsThreshold`); call it once. Returns false when the count it added is only a lower bound.
    func collect(into collector: inout TopKCollector, segment: Int, totalHitsThreshold: Int) throws -> Bool {
        var matches: [UInt64] = []
        var matchCount = 0
        var counting = collector.totalHits < totalHitsThreshold
        var seededThreshold = -Double.infinity
        if counting && prefersBitset(leftToCount: totalHitsThreshold - collector.totalHits) {
            var total = 0
            (matches, total) = try matchBitset()
            matchCount = total
            collector.addToTotal(total)
            counting = false
            if total == 0 { return true }
            seededThreshold = try initialThreshold(limit: collector.limit, matches: matches)
        }
        let exactFromBitset = !matches.isEmpty
        // With few matches beside k nothing is pruned and the windows' set-up costs more than they save
        // (callgrind per query, top-100: matches ≤ 100 +5%, 101–200 even, more −9 to −15%).
        let windowed = exactFromBitset && collector.limit >= Self.windowedLimit
            && matchCount / Self.windowedMatchesPerHit > collector.limit
        // Taken out of the property so this is the only reference (else every cursor copies its block
        // buffers on its first decode).
        var leaves: [TermLeaf] = []
        swap(&leaves, &self.leaves)
        let count = leaves.count
        var scores = [Double](filled: 0, count: count)
        var matched = [Bool](filled: false, count: count)
        let stillCounting = try leaves.withUnsafeMutableBufferPointer { leaf in
            try scores.withUnsafeMutableBufferPointer { scores in
                try matched.withUnsafeMutableBufferPointer { matched in
                    try matches.withUnsafeBufferPointer { matches in
                        try run(leaf, scores: scores, matched: matched, matches: matches, counting: counting,
                                windowed: windowed, seededThreshold: seededThreshold, collector: &collector, segment: segment,
                                totalHitsThreshold: totalHitsThreshold)
                    }
                }
            }
        }
        return exactFromBitset || stillCounting
    }

    /// The MaxScore loop over the leaves; candidates come from the bitset of matches when there is one,
    /// else from a leapfrog over the groups. Returns whether it was still counting at the end.
    private func run(_ leaf: UnsafeMutableBufferPointer<TermLeaf>, scores: UnsafeMutableBufferPointer<Double>,
                     matched: UnsafeMutableBufferPointer<Bool>, matches: UnsafeBufferPointer<UInt64>,
                     counting startsCounting: Bool, windowed: Bool, seededThreshold: Double, collector: inout TopKCollector,
                     segment: Int, totalHitsThreshold: Int) throws -> Bool {
        let count = leaf.count
        let noMoreDocs = PostingsCursor.noMoreDocs
        var counting = startsCounting
        var essentialStart = 0
        var threshold = Swift.max(collector.threshold ?? -Double.infinity, seededThreshold)
        func updateEssentials() {
            guard !counting else { return }
            while essentialStart < count && prefixBounds[essentialStart + 1] * (1 + Self.slack) < threshold {
                essentialStart += 1
            }
        }
        updateEssentials()
        // At top-50 and above θ stays low for long and most matches are scored: the bitset's matches are
        // scored a window at a time.
        let plan = Plan(tree: tree, bounds: bounds, byBound: byBound, prefixBounds: prefixBounds, documentCount: documentCount)
        var windows = windowed && count <= 64 ? MatchWindows(leafCount: count) : nil
        var target: UInt32 = 0
        while essentialStart < count {
            if !counting, let next = try windows?.scoreWindow(from: target, leaf, matches: matches, plan: plan,
                                                                essentialStart: essentialStart, threshold: &threshold,
                                                                collector: &collector, segment: segment) {
                if next >= documentCount { break }
                target = next
                updateEssentials()
                continue
            }
            let candidate: UInt32
            if !matches.isEmpty {
                candidate = try nextMatch(atOrAfter: target, leaf, matches: matches, essentialStart: essentialStart)
            } else {
                candidate = try nextCandidate(atOrAfter: target, leaf, essentialStart: essentialStart)
            }
            if candidate == noMoreDocs { break }
            target = candidate &+ 1
            if matches.isEmpty, try isExcluded(candidate) { continue }
            if counting {
                // Every leaf is on or past the candidate (the leapfrog advanced them): its leaves' bounds
                // say whether the match can enter the top k; if not it is only counted, not scored.
                var upper = 0.0
                for index in 0..<count where leaf[index].doc == candidate { upper += bounds[index] }
                if upper * (1 + Self.slack) >= threshold {
                    for index in 0..<count where leaf[index].doc == candidate {
                        scores[index] = try leaf[index].score()
                        matched[index] = true
                    }
                    collector.collect(score: tree.sum(matched: UnsafeBufferPointer(matched), scores: UnsafeBufferPointer(scores)),
                                      segment: segment, doc: candidate)
                    for index in 0..<count { matched[index] = false }
                } else {
                    collector.count()
                }
                counting = collector.totalHits < totalHitsThreshold
            } else {
                // Essential leaves on the candidate are scored now; the others only while it can still compete.
                var upper = prefixBounds[essentialStart]
                for rank in essentialStart..<count {
                    let index = byBound[rank]
                    guard try leaf[index].advance(to: candidate) == candidate else { continue }
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
                    collector.offer(score: tree.sum(matched: UnsafeBufferPointer(matched), scores: UnsafeBufferPointer(scores)),
                                    segment: segment, doc: candidate)
                }
                for index in 0..<count { matched[index] = false }
            }
            if let current = collector.threshold, current > threshold { threshold = current }
            updateEssentials()
            if candidate == noMoreDocs - 1 { break }
        }
        return counting
    }

    /// The first match >= `target` on the bitset; once some leaves are non-essential, the first document
    /// of an essential leaf that is a match (the others cannot lift a document to θ alone).
    private func nextMatch(atOrAfter target: UInt32, _ leaf: UnsafeMutableBufferPointer<TermLeaf>,
                           matches: UnsafeBufferPointer<UInt64>, essentialStart: Int) throws -> UInt32 {
        if essentialStart == 0 { return Self.nextSetBit(matches, atOrAfter: target) }
        var candidate = target
        while true {
            var first = PostingsCursor.noMoreDocs
            for rank in essentialStart..<leaf.count {
                first = Swift.min(first, try leaf[byBound[rank]].advance(to: candidate))
            }
            if first == PostingsCursor.noMoreDocs || Self.isSet(matches, first) { return first }
            candidate = first + 1
        }
    }

    /// The first document >= `target` on which every group has a leaf and, once pruning, an essential
    /// leaf (`ConjunctivePruner.nextCandidate`); every leaf of every group ends on or past it.
    private func nextCandidate(atOrAfter target: UInt32, _ leaf: UnsafeMutableBufferPointer<TermLeaf>,
                               essentialStart: Int) throws -> UInt32 {
        var candidate = target
        search: while true {
            if essentialStart > 0 {
                var first = PostingsCursor.noMoreDocs
                for rank in essentialStart..<leaf.count {
                    first = Swift.min(first, try leaf[byBound[rank]].advance(to: candidate))
                }
                candidate = first
                if candidate == PostingsCursor.noMoreDocs { return candidate }
            }
            for group in groups {
                var first = PostingsCursor.noMoreDocs
                for index in group { first = Swift.min(first, try leaf[index].advance(to: candidate)) }
                if first == PostingsCursor.noMoreDocs { return first }
                if first != candidate {
                    candidate = first
                    continue search
                }
            }
            return candidate
        }
    }

    private func isExcluded(_ candidate: UInt32) throws -> Bool {
        for scorer in excluded where try scorer.advance(to: candidate) == candidate { return true }
        return false
    }

    /// Whether counting on bitsets (every list decoded once) is expected to cost less than the leapfrog
    /// (a step per document of the cheapest group until the threshold is reached).
    func prefersBitset(leftToCount: Int) -> Bool {
        guard let cheapest = groups.first else { return false }
        let cheapestCost = Double(costs[cheapest].reduce(0, &+))
        let sizes = groups.map { group in Double(costs[group].reduce(0, &+)) }
        let expected = ConjunctionScorer.intersection(sizes, documentCount: Double(documentCount))
        // The leapfrog stops once the threshold is reached: about that share of the cheapest group.
        let walked = expected > Double(leftToCount) ? cheapestCost * Double(leftToCount) / expected : cheapestCost
        let marked = Double(costs.reduce(0, &+))
        return marked <= walked * Self.leapfrogCostPerDocument
    }

    /// The matches as a bitset (one bit per document) and their number: the groups' lists unioned, the
    /// unions intersected, the exclusions cleared. Deleted documents are never marked.
    private func matchBitset() throws -> (bits: [UInt64], count: Int) {
        let words = (Int(documentCount) + 63) >> 6
        var bits: [UInt64] = []
        var group = [UInt64](filled: 0, count: words)
        for range in groups {
            for word in 0..<words { group[word] = 0 }
            for index in range { try leaves[index].markAllDocs(in: &group) }
            if bits.isEmpty {
                bits = group
            } else {
                for word in 0..<words { bits[word] &= group[word] }
            }
        }
        for scorer in excluded {
            // Fresh scorers, used only here: walked to the end.
            var doc = scorer.doc
            while doc != PostingsCursor.noMoreDocs {
                if Int(doc >> 6) < words { bits[Int(doc >> 6)] &= ~(1 << UInt64(doc & 63)) }
                doc = try scorer.nextDoc()
            }
        }
        let total = bits.reduce(0) { $0 + $1.nonzeroBitCount }
        return (bits, total)
    }

    /// A lower bound of the k-th best score in the segment: the k-th best score of the sparse leaf with
    /// the highest bound over the matches it holds (a match's score is at least its score in one leaf),
    /// so the loop starts with the dense (body) lists non-essential; −∞ when no such leaf has k matches.
    private func initialThreshold(limit: Int, matches: [UInt64]) throws -> Double {
        let longest = costs.max() ?? 0
        let seeds = costs.indices.filter {
            costs[$0] >= UInt64(limit) && costs[$0] * Self.seedFraction <= longest
        }
        guard limit > 0, let seed = seeds.max(by: { bounds[$0] < bounds[$1] }) else { return -Double.infinity }
        var leaf = try leaves[seed].restarted()
        var top = TopKCollector(limit: limit)
        try matches.withUnsafeBufferPointer { matches in
            while leaf.doc != PostingsCursor.noMoreDocs {
                if Self.isSet(matches, leaf.doc) { top.collect(score: try leaf.score(), segment: 0, doc: leaf.doc) }
                _ = try leaf.nextDoc()
            }
        }
        return top.threshold ?? -Double.infinity
    }

    @inline(__always)
    static func isSet(_ bits: UnsafeBufferPointer<UInt64>, _ doc: UInt32) -> Bool {
        let word = Int(doc >> 6)
        return word < bits.count && bits[word] & (1 << UInt64(doc & 63)) != 0
    }

    /// The first set bit at or after `target`, or `noMoreDocs`.
    static func nextSetBit(_ bits: UnsafeBufferPointer<UInt64>, atOrAfter target: UInt32) -> UInt32 {
        var word = Int(target >> 6)
        guard word < bits.count else { return PostingsCursor.noMoreDocs }
        var value = bits[word] & (~0 << UInt64(target & 63))
        while value == 0 {
            word += 1
            guard word < bits.count else { return PostingsCursor.noMoreDocs }
            value = bits[word]
        }
        return UInt32(word << 6 | value.trailingZeroBitCount)
    }
}
