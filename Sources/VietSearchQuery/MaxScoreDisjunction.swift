import VietSearchStorage

/// Top-k over a disjunction (a bare term in several fields and key forms, `a OR b`, bare terms with their
/// `.vietnamese` folded keys and adjacency phrases) with MaxScore pruning (Turtle & Flood; Lucene's
/// MaxScoreBulkScorer): every leaf has an upper bound of its score (`DocScorer.maxScore`); once the k-th
/// best score θ exceeds the summed bounds of the weakest leaves, those become non-essential: only
/// documents of the other leaves are candidates, and the weak leaves are advanced only to score a
/// candidate that can still beat θ (so an adjacency phrase reads positions only for such candidates).
/// Results equal exhaustive scoring: the final score of a kept document is summed in exactly the order
/// the `DisjunctionScorer` tree uses (leaves within a group, then groups).
///
/// Hit counting (Lucene's `totalHitsThreshold`): pruning starts once the collector has counted the
/// threshold; before, every document of the union is visited and counted. A lone term leaf is counted
/// from its document frequency and, when exact counts are asked for, term leaves are counted on a
/// bitset, so pruning can start at once.
final class MaxScoreDisjunction {
    /// Above this many leaves a per-document scan of the leaves costs more than pruning saves.
    static let maximumLeaves = 48
    /// Relative slack on bound comparisons: bounds and scores are summed in different orders.
    private static let slack = 1e-9

    private let leaves: [any DocScorer]
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
    init(groups: [[any DocScorer]], documentCount: UInt32) throws {
        var leaves: [any DocScorer] = []
        var ranges: [Range<Int>] = []
        for group in groups {
            ranges.append(leaves.count..<(leaves.count + group.count))
            leaves += group
        }
        self.leaves = leaves
        self.groups = ranges
        self.documentCount = documentCount
        let bounds = try leaves.map { try $0.maxScore() }
        self.bounds = bounds
        byBound = leaves.indices.sorted { bounds[$0] < bounds[$1] }
        var sums = [0.0]
        for index in byBound { sums.append((sums.last ?? 0) + bounds[index]) }
        prefixBounds = sums
        scores = Array(repeating: 0, count: leaves.count)
        matched = Array(repeating: false, count: leaves.count)
    }

    /// Offers every competitive document to `collector` and counts matches (see the type's note).
    /// Returns false when the count it added is only a lower bound.
    func collect(into collector: inout TopKCollector, segment: Int, totalHitsThreshold: Int) throws -> Bool {
        var counting = try countUpFront(into: &collector, totalHitsThreshold: totalHitsThreshold)
        var exact = true
        if counting && collector.totalHits >= totalHitsThreshold {
            counting = false
            exact = false
        }
        let count = leaves.count
        var essentialStart = 0
        var threshold = counting ? -Double.infinity : collector.threshold ?? -Double.infinity
        while true {
            var candidate = PostingsCursor.noMoreDocs
            for rank in essentialStart..<count { candidate = Swift.min(candidate, leaves[byBound[rank]].doc) }
            guard candidate != PostingsCursor.noMoreDocs else { return exact }

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
            if counting {
                collector.collect(score: exactScore(), segment: segment, doc: candidate)
                if collector.totalHits >= totalHitsThreshold {
                    counting = false
                    exact = false
                }
            } else if competitive {
                collector.offer(score: exactScore(), segment: segment, doc: candidate)
            }
            if !counting, let current = collector.threshold, current > threshold {
                threshold = current
                while essentialStart < count && prefixBounds[essentialStart + 1] * (1 + Self.slack) < threshold {
                    essentialStart += 1
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

    /// Counts the matches without visiting them when that is cheap and exact: a lone term leaf (its
    /// document frequency), or term leaves on a bitset when every match must be counted. Returns true
    /// when the caller must count while collecting instead.
    private func countUpFront(into collector: inout TopKCollector, totalHitsThreshold: Int) throws -> Bool {
        let terms = leaves.compactMap { $0 as? TermScorer }
        guard terms.count == leaves.count else { return true }
        if terms.count == 1 {
            collector.addToTotal(Int(terms[0].cost))
            return false
        }
        guard totalHitsThreshold == Int.max else { return true }
        var bits = [UInt64](repeating: 0, count: (Int(documentCount) + 63) / 64)
        for leaf in terms { try leaf.markAllDocs(in: &bits) }
        collector.addToTotal(bits.reduce(0) { $0 + $1.nonzeroBitCount })
        return false
    }
}
