import VietSearchStorage

/// Top-k over a disjunction (a bare term in several fields and key forms, `a OR b`, bare terms with their
/// `.vietnamese` folded keys and adjacency phrases) with MaxScore pruning (Turtle & Flood; Lucene's
/// MaxScoreBulkScorer): every leaf has an upper bound of its score (`DocScorer.maxScore`); once the k-th
/// best score θ exceeds the summed bounds of the weakest leaves, those become non-essential: only
/// documents of the other leaves are candidates, and the weak leaves are advanced only to score a
/// candidate that can still beat θ (so an adjacency phrase reads positions only for such candidates).
/// Results equal exhaustive scoring: the final score of a kept document is summed in exactly the order
/// the `DisjunctionScorer` tree uses (`ScoreSumTree`).
///
/// Hit counting (Lucene's `totalHitsThreshold`): pruning starts once the collector has counted the
/// threshold; before, every document of the union is visited and counted. Term leaves are counted up
/// front instead (`countUpFront`), so pruning can start at once.
final class MaxScoreDisjunction {
    /// Above this many leaves a per-document scan of the leaves costs more than pruning saves.
    static let maximumLeaves = 48
    /// Relative slack on bound comparisons: bounds and scores are summed in different orders.
    private static let slack = 1e-9

    private let leaves: [any DocScorer]
    /// How the scorer tree sums the leaves.
    private let tree: ScoreSumTree
    private let bounds: [Double]
    /// Leaf indices by ascending bound.
    private let byBound: [Int]
    /// `prefixBounds[i]` = the summed bounds of `byBound[0..<i]`.
    private let prefixBounds: [Double]
    private let documentCount: UInt32
    @exclusivity(unchecked) private var scores: [Double]
    @exclusivity(unchecked) private var matched: [Bool]
    /// Each leaf that is a term scorer (nil for the others), for direct calls.
    private let terms: [TermScorer?]
    /// The two-phase phrase of each leaf (nil for the others), confirmed only when needed.
    private let twoPhase: [PhraseScorer?]
    /// Reused list of the leaves on the candidate whose phrase is not confirmed yet.
    @exclusivity(unchecked) private var pending: [Int] = []
    /// For a pending leaf, its bound on the candidate (`PhraseScorer.documentBound`).
    @exclusivity(unchecked) private var documentBounds: [Double]

    /// `leaves` and `tree` as `QueryWeight.disjunctiveLeaves` returns them (leaves already positioned).
    init(leaves: [any DocScorer], tree: ScoreSumTree, documentCount: UInt32) throws {
        self.leaves = leaves
        self.tree = tree
        self.documentCount = documentCount
        let bounds = try leaves.map { try $0.maxScore() }
        self.bounds = bounds
        (byBound, prefixBounds) = SummedBounds.ascendingOrder(of: bounds)
        terms = leaves.map { $0 as? TermScorer }
        twoPhase = leaves.map { ($0 as? PhraseScorer).flatMap { $0.isTwoPhase ? $0 : nil } }
        scores = Array(filled: 0, count: leaves.count)
        documentBounds = bounds
        matched = Array(filled: false, count: leaves.count)
    }

    /// Offers every competitive document to `collector` and counts matches (see the type's note).
    /// Returns false when the count it added is only a lower bound.
    func collect(into collector: inout TopKCollector, segment: Int, totalHitsThreshold: Int) throws -> Bool {
        var (counting, exact) = try countUpFront(into: &collector, totalHitsThreshold: totalHitsThreshold)
        if counting && collector.totalHits >= totalHitsThreshold {
            counting = false
            exact = false
        }
        let count = leaves.count
        var essentialStart = 0
        var threshold = collector.threshold ?? -Double.infinity
        while true {
            var candidate = PostingsCursor.noMoreDocs
            for rank in essentialStart..<count { candidate = Swift.min(candidate, doc(of: byBound[rank])) }
            guard candidate != PostingsCursor.noMoreDocs else { return exact }
            if !counting && threshold > -Double.infinity {
                // Block-max: when the leaves' bounds over the blocks holding the candidate cannot beat θ,
                // skip to the end of the nearest block without decoding anything in between.
                var blockUpper = 0.0
                var windowEnd = PostingsCursor.noMoreDocs - 1
                for leaf in 0..<count {
                    // A leaf already past the candidate has nothing before its current document.
                    let current = doc(of: leaf)
                    if current > candidate {
                        windowEnd = Swift.min(windowEnd, current - 1)
                        continue
                    }
                    let part = try blockMax(of: leaf, at: candidate)
                    blockUpper += part.bound
                    windowEnd = Swift.min(windowEnd, part.lastDoc)
                }
                if blockUpper * (1 + Self.slack) < threshold {
                    guard windowEnd < PostingsCursor.noMoreDocs - 1 else { return exact }
                    for rank in essentialStart..<count where doc(of: byBound[rank]) <= windowEnd {
                        _ = try advance(byBound[rank], to: windowEnd + 1)
                    }
                    continue
                }
            }

            // Cheap leaves are scored now; two-phase phrases count with their bound until confirmed.
            var upper = prefixBounds[essentialStart]
            var anyMatch = false
            pending.removeAll(keepingCapacity: true)
            for rank in essentialStart..<count {
                let leaf = byBound[rank]
                guard doc(of: leaf) == candidate else { continue }
                if twoPhase[leaf] != nil {
                    pending.append(leaf)
                    continue
                }
                let score = try score(of: leaf)
                scores[leaf] = score
                matched[leaf] = true
                anyMatch = true
                upper += score
            }
            // Before the heap is full every document competes: no bound needed.
            let bounded = threshold > -Double.infinity
            for leaf in pending {
                if bounded, let phrase = twoPhase[leaf] { documentBounds[leaf] = try phrase.documentBound() }
                upper += documentBounds[leaf]
            }
            var competitive = upper * (1 + Self.slack) >= threshold
            var rank = essentialStart - 1
            while competitive && rank >= 0 {
                let leaf = byBound[rank]
                upper -= bounds[leaf]
                if try advance(leaf, to: candidate) == candidate {
                    if let phrase = twoPhase[leaf] {
                        pending.append(leaf)
                        if bounded { documentBounds[leaf] = try phrase.documentBound() }
                        upper += documentBounds[leaf]
                    } else {
                        let score = try score(of: leaf)
                        scores[leaf] = score
                        matched[leaf] = true
                        anyMatch = true
                        upper += score
                    }
                }
                competitive = upper * (1 + Self.slack) >= threshold
                rank -= 1
            }
            // Confirm phrases (read positions) only while the document can still enter the top k, or, when
            // counting, until it is known to match.
            for leaf in pending {
                guard competitive || (counting && !anyMatch), let phrase = twoPhase[leaf] else { break }
                upper -= documentBounds[leaf]
                if try phrase.confirm() {
                    let score = try phrase.score()
                    scores[leaf] = score
                    matched[leaf] = true
                    anyMatch = true
                    upper += score
                }
                competitive = upper * (1 + Self.slack) >= threshold
            }
            if counting {
                if anyMatch {
                    if competitive {
                        collector.collect(score: exactScore(), segment: segment, doc: candidate)
                    } else {
                        collector.count()
                    }
                }
                if collector.totalHits >= totalHitsThreshold {
                    counting = false
                    exact = false
                }
            } else if competitive && anyMatch {
                collector.offer(score: exactScore(), segment: segment, doc: candidate)
            }
            if let current = collector.threshold, current > threshold { threshold = current }
            while !counting && essentialStart < count && prefixBounds[essentialStart + 1] * (1 + Self.slack) < threshold {
                essentialStart += 1
            }
            for leaf in 0..<count { matched[leaf] = false }
            for rank in essentialStart..<count where doc(of: byBound[rank]) == candidate {
                _ = try nextDoc(of: byBound[rank])
            }
        }
    }

    // Leaf calls: through the concrete class for terms and phrases (static dispatch, inlined), else the
    // existential.

    @inline(__always)
    private func doc(of leaf: Int) -> UInt32 {
        if let term = terms[leaf] { return term.doc }
        if let phrase = twoPhase[leaf] { return phrase.doc }
        return leaves[leaf].doc
    }

    @inline(__always)
    private func score(of leaf: Int) throws -> Double {
        if let term = terms[leaf] { return try term.score() }
        if let phrase = twoPhase[leaf] { return try phrase.score() }
        return try leaves[leaf].score()
    }

    @inline(__always)
    private func advance(_ leaf: Int, to target: UInt32) throws -> UInt32 {
        if let term = terms[leaf] { return try term.advance(to: target) }
        if let phrase = twoPhase[leaf] { return try phrase.advance(to: target) }
        return try leaves[leaf].advance(to: target)
    }

    @inline(__always)
    private func nextDoc(of leaf: Int) throws -> UInt32 {
        if let term = terms[leaf] { return try term.nextDoc() }
        if let phrase = twoPhase[leaf] { return try phrase.nextDoc() }
        return try leaves[leaf].nextDoc()
    }

    @inline(__always)
    private func blockMax(of leaf: Int, at target: UInt32) throws -> (lastDoc: UInt32, bound: Double) {
        if let term = terms[leaf] { return try term.blockMax(at: target) }
        if let phrase = twoPhase[leaf] { return try phrase.blockMax(at: target) }
        return try leaves[leaf].blockMax(at: target)
    }

    /// The score as the scorer tree sums it.
    private func exactScore() -> Double {
        tree.sum(matched: matched, scores: scores)
    }

    /// Counts the matches without visiting them when that is cheap: a lone term leaf (its live document
    /// frequency, exact); a term leaf that alone reaches the threshold (its frequency, a lower bound of the
    /// union); else, when every leaf is a term, on a bitset (exact, and cheap: the lists hold fewer than
    /// leaves × threshold documents). Returns (counting: the caller must count while collecting, exact).
    private func countUpFront(into collector: inout TopKCollector,
                              totalHitsThreshold: Int) throws -> (counting: Bool, exact: Bool) {
        let terms = leaves.compactMap { $0 as? TermScorer }
        if terms.count == 1 && leaves.count == 1 {
            collector.addToTotal(Int(terms[0].cost))
            return (false, true)
        }
        let largest = Int(terms.map(\.cost).max() ?? 0)
        if totalHitsThreshold != Int.max && collector.totalHits + largest >= totalHitsThreshold {
            collector.addToTotal(largest)
            return (false, false)
        }
        guard terms.count == leaves.count else { return (true, true) }
        var bits = [UInt64](filled: 0, count: (Int(documentCount) + 63) / 64)
        for leaf in terms { try leaf.markAllDocs(in: &bits) }
        collector.addToTotal(bits.reduce(0) { $0 + $1.nonzeroBitCount })
        return (false, true)
    }
}
