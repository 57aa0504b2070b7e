import VietSearchStorage

/// Top-k over a pure disjunction of term scorers (a bare term in several fields and key forms, `a OR b`,
/// several bare terms) with MaxScore pruning (Turtle & Flood; Lucene's MaxScoreBulkScorer): every leaf
/// has an upper bound of its score (the best per-block bound of its skip entries); once the k-th best
/// score θ exceeds the summed bounds of the weakest leaves, those become non-essential: only documents
/// of the other leaves are candidates, and the weak leaves are advanced only to score a candidate that
/// can still beat θ. Results equal exhaustive scoring: the final score of a kept document is summed in
/// exactly the order the `DisjunctionScorer` tree uses (leaves within a group, then groups).
/// `totalHits` stays exact: the union of the lists is counted on a bitset, without scoring.
final class MaxScoreDisjunction {
    /// Above this many leaves a per-document scan of the leaves costs more than pruning saves.
    static let maximumLeaves = 16
    /// Relative slack on bound comparisons: bounds and scores are summed in different orders.
    private static let slack = 1e-9

    private let leaves: [TermScorer]
    /// `groups[g]` = the leaf indices of clause g, in clause order.
    private let groups: [Range<Int>]
    private let bounds: [Double]
    /// Leaf indices by ascending bound.
    private let byBound: [Int]
    /// `prefixBounds[i]` = the summed bounds of `byBound[0..<i]`.
    private let prefixBounds: [Double]
    private let documentCount: UInt32
    @exclusivity(unchecked) private var scores: [Double]
    @exclusivity(unchecked) private var matched: [Bool]

    /// `groups` as `QueryWeight.disjunctiveLeaves` returns them (each non-empty, already positioned).
    init(groups: [[TermScorer]], documentCount: UInt32) throws {
        var leaves: [TermScorer] = []
        var ranges: [Range<Int>] = []
        for group in groups {
            ranges.append(leaves.count..<(leaves.count + group.count))
            leaves += group
        }
        self.leaves = leaves
        self.groups = ranges
        self.documentCount = documentCount
        let bounds = try leaves.map { try $0.maximumScore() }
        self.bounds = bounds
        byBound = leaves.indices.sorted { bounds[$0] < bounds[$1] }
        var sums = [0.0]
        for index in byBound { sums.append((sums.last ?? 0) + bounds[index]) }
        prefixBounds = sums
        scores = Array(repeating: 0, count: leaves.count)
        matched = Array(repeating: false, count: leaves.count)
    }

    /// Offers every competitive document to `collector` and adds the exact match count to its total.
    func collect(into collector: inout TopKCollector, segment: Int) throws {
        try countMatches(into: &collector)
        let count = leaves.count
        var essentialStart = 0
        var threshold = collector.threshold ?? -Double.infinity
        while true {
            var candidate = PostingsCursor.noMoreDocs
            for rank in essentialStart..<count { candidate = Swift.min(candidate, leaves[byBound[rank]].doc) }
            guard candidate != PostingsCursor.noMoreDocs else { return }

            var upper = prefixBounds[essentialStart]
            for rank in essentialStart..<count {
                let leaf = byBound[rank]
                guard leaves[leaf].doc == candidate else { continue }
                let score = try leaves[leaf].score()
                scores[leaf] = score
                matched[leaf] = true
                upper += score
            }
            var competitive = upper * (1 + Self.slack) >= threshold
            var rank = essentialStart - 1
            while competitive && rank >= 0 {
                let leaf = byBound[rank]
                upper -= bounds[leaf]
                if try leaves[leaf].advance(to: candidate) == candidate {
                    let score = try leaves[leaf].score()
                    scores[leaf] = score
                    matched[leaf] = true
                    upper += score
                }
                competitive = upper * (1 + Self.slack) >= threshold
                rank -= 1
            }
            if competitive {
                collector.offer(score: exactScore(), segment: segment, doc: candidate)
                if let current = collector.threshold, current > threshold {
                    threshold = current
                    while essentialStart < count && prefixBounds[essentialStart + 1] * (1 + Self.slack) < threshold {
                        essentialStart += 1
                    }
                }
            }
            for leaf in 0..<count { matched[leaf] = false }
            for rank in essentialStart..<count where leaves[byBound[rank]].doc == candidate {
                _ = try leaves[byBound[rank]].nextDoc()
            }
        }
    }

    /// The score as the scorer tree sums it: each group's matching leaves from 0, then the groups from 0.
    private func exactScore() -> Double {
        var total = 0.0
        for group in groups {
            var groupTotal = 0.0
            var any = false
            for leaf in group where matched[leaf] {
                groupTotal += scores[leaf]
                any = true
            }
            if any { total += groupTotal }
        }
        return total
    }

    private func countMatches(into collector: inout TopKCollector) throws {
        if leaves.count == 1 {
            collector.addToTotal(Int(leaves[0].cost))
            return
        }
        var bits = [UInt64](repeating: 0, count: (Int(documentCount) + 63) / 64)
        for leaf in leaves { try leaf.markAllDocs(in: &bits) }
        collector.addToTotal(bits.reduce(0) { $0 + $1.nonzeroBitCount })
    }
}
