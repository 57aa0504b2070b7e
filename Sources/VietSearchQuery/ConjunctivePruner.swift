import VietSearchStorage

/// A query with required clauses taken apart for `ConjunctivePruner` (`QueryWeight.conjunctiveParts`).
struct ConjunctiveParts {
    /// Every group's leaves, then the optional clauses' leaves (adjacency phrases in two-phase mode).
    var leaves: [any DocScorer] = []
    /// One range of `leaves` per MUST clause: a document matches when every group has a leaf on it.
    var groups: [Range<Int>] = []
    /// Sums the leaves as `BooleanScorer` over `ConjunctionScorer` over `DisjunctionScorer`s would.
    var tree = ScoreSumTree()
    var excluded: [any DocScorer] = []
}

/// Top-k over a query with required clauses (`a AND b`, `+a b`, with the `.vietnamese` folded keys and
/// adjacency phrases). Documents are those where every required group (a MUST clause: a key's field
/// scorers, or one scorer) has a leaf on them, minus exclusions; candidates come from a leapfrog over
/// the groups, cheapest first. Until `totalHitsThreshold` matches are counted every match is visited.
/// Then MaxScore (Turtle & Flood) over all leaves, required and optional alike: the weakest leaves whose
/// bounds sum below the k-th best score θ are non-essential, and a document must also be on an essential
/// leaf to be a candidate, so `a AND b` over title and body walks only the title lists once θ needs a
/// title match. A phrase's positions are read only when the document can still compete (its
/// per-document bound). Scores are summed exactly as the scorer tree sums them (`ScoreSumTree`).
final class ConjunctivePruner {
    /// Relative slack on bound comparisons: bounds and scores are summed in different orders.
    private static let slack = 1e-9

    private let leaves: [any DocScorer]
    private let tree: ScoreSumTree
    private let excluded: [any DocScorer]
    /// Groups by ascending cost: the cheapest disagrees most often, so it is asked first.
    private let groups: [Range<Int>]
    private let requiredCount: Int
    /// Each leaf that is a term scorer (nil for the others), for direct calls.
    private let terms: [TermScorer?]
    private let twoPhase: [PhraseScorer?]
    /// Leaf indices by ascending bound, and `prefixBounds[i]` = the bounds of `byBound[0..<i]` summed.
    private let byBound: [Int]
    private let prefixBounds: [Double]
    private let optionalBound: Double
    /// Every leaf's whole-list bound, and the optional leaves by descending bound.
    private let bounds: [Double]
    private let optionalByBound: [Int]
    @exclusivity(unchecked) private var scores: [Double]
    @exclusivity(unchecked) private var matched: [Bool]
    @exclusivity(unchecked) private var documentBounds: [Double]
    @exclusivity(unchecked) private var pending: [Int] = []
    /// Ranks `essentialStart...` of `byBound` are the essential leaves (all of them while counting).
    @exclusivity(unchecked) private var essentialStart = 0

    init(_ parts: ConjunctiveParts) throws {
        leaves = parts.leaves
        tree = parts.tree
        excluded = parts.excluded
        requiredCount = parts.groups.last?.upperBound ?? 0
        let leaves = parts.leaves
        func groupCost(_ group: Range<Int>) -> UInt64 { leaves[group].reduce(0) { $0 &+ $1.cost } }
        groups = parts.groups.sorted { groupCost($0) < groupCost($1) }
        terms = leaves.map { $0 as? TermScorer }
        twoPhase = leaves.map { ($0 as? PhraseScorer).flatMap { $0.isTwoPhase ? $0 : nil } }
        let bounds = try leaves.map { try $0.maxScore() }
        (byBound, prefixBounds) = SummedBounds.ascendingOrder(of: bounds)
        optionalBound = bounds[requiredCount...].reduce(0, +)
        self.bounds = bounds
        optionalByBound = (requiredCount..<leaves.count).sorted { bounds[$0] > bounds[$1] }
        scores = Array(filled: 0, count: leaves.count)
        matched = Array(filled: false, count: leaves.count)
        documentBounds = Array(filled: 0, count: leaves.count)
    }

    /// Offers the competitive documents to `collector` and counts matches up to `totalHitsThreshold`.
    /// Returns false when the count it added is only a lower bound.
    func collect(into collector: inout TopKCollector, segment: Int, totalHitsThreshold: Int) throws -> Bool {
        guard !groups.isEmpty else { return true }
        var counting = collector.totalHits < totalHitsThreshold
        if !counting && !updateEssentials(collector.threshold) { return false }
        var target: UInt32 = 0
        while target != PostingsCursor.noMoreDocs {
            let doc = try nextCandidate(atOrAfter: target)
            if doc == PostingsCursor.noMoreDocs { break }
            target = doc == PostingsCursor.noMoreDocs - 1 ? PostingsCursor.noMoreDocs : doc + 1
            if try isExcluded(doc) { continue }
            let threshold = collector.threshold ?? -Double.infinity
            let base = try scoreRequired(doc)
            let upper = try scoreOptional(doc, base: base, threshold: threshold)
            let competitive = upper * (1 + Self.slack) >= threshold
            if counting {
                if competitive {
                    collector.collect(score: tree.sum(matched: matched, scores: scores), segment: segment, doc: doc)
                } else {
                    collector.count()
                }
                counting = collector.totalHits < totalHitsThreshold
            } else if competitive {
                collector.offer(score: tree.sum(matched: matched, scores: scores), segment: segment, doc: doc)
            }
            for leaf in leaves.indices { matched[leaf] = false }
            if !counting && !updateEssentials(collector.threshold) { return false }
        }
        return counting
    }

    /// Makes the weakest leaves whose bounds sum below θ non-essential (θ only grows, so they stay so).
    /// False when no document can beat θ any more.
    private func updateEssentials(_ threshold: Double?) -> Bool {
        guard let threshold else { return true }
        while essentialStart < byBound.count && prefixBounds[essentialStart + 1] * (1 + Self.slack) < threshold {
            essentialStart += 1
        }
        return essentialStart < byBound.count
    }

    /// The first document >= `target` on which every group has a leaf and, once pruning, an essential leaf.
    private func nextCandidate(atOrAfter target: UInt32) throws -> UInt32 {
        var candidate = target
        search: while true {
            if essentialStart > 0 {
                var first = PostingsCursor.noMoreDocs
                for rank in essentialStart..<byBound.count {
                    first = Swift.min(first, try advance(byBound[rank], to: candidate))
                }
                candidate = first
                if candidate == PostingsCursor.noMoreDocs { return candidate }
            }
            for group in groups {
                var first = PostingsCursor.noMoreDocs
                for leaf in group { first = Swift.min(first, try advance(leaf, to: candidate)) }
                if first == PostingsCursor.noMoreDocs { return first }
                if first != candidate {
                    candidate = first
                    continue search
                }
            }
            return candidate
        }
    }

    @inline(__always)
    private func advance(_ leaf: Int, to target: UInt32) throws -> UInt32 {
        if let term = terms[leaf] { return try term.advance(to: target) }
        return try leaves[leaf].advance(to: target)
    }

    /// The required leaves on `doc` (every group's leaves are already at or past it), scored and summed.
    private func scoreRequired(_ doc: UInt32) throws -> Double {
        var total = 0.0
        for leaf in 0..<requiredCount {
            if let term = terms[leaf] {
                guard term.doc == doc else { continue }
                scores[leaf] = try term.score()
            } else {
                guard leaves[leaf].doc == doc else { continue }
                scores[leaf] = try leaves[leaf].score()
            }
            matched[leaf] = true
            total += scores[leaf]
        }
        return total
    }

    /// Scores the optional leaves on `doc`, strongest bound first, and returns the document's bound: its
    /// exact score when every leaf was resolved. It stops as soon as the bound falls below θ (the leaves
    /// left need not be advanced), and confirms phrases only while the document can still compete.
    private func scoreOptional(_ doc: UInt32, base: Double, threshold: Double) throws -> Double {
        var upper = base + optionalBound
        pending.removeAll(keepingCapacity: true)
        for leaf in optionalByBound {
            guard upper * (1 + Self.slack) >= threshold else { return upper }
            upper -= bounds[leaf]
            guard try advance(leaf, to: doc) == doc else { continue }
            if let phrase = twoPhase[leaf] {
                // Before the heap is full every document competes: no bound needed.
                documentBounds[leaf] = threshold > -Double.infinity ? try phrase.documentBound() : bounds[leaf]
                upper += documentBounds[leaf]
                pending.append(leaf)
            } else {
                scores[leaf] = try terms[leaf]?.score() ?? leaves[leaf].score()
                matched[leaf] = true
                upper += scores[leaf]
            }
        }
        for leaf in pending {
            guard upper * (1 + Self.slack) >= threshold, let phrase = twoPhase[leaf] else { break }
            upper -= documentBounds[leaf]
            if try phrase.confirm() {
                scores[leaf] = try phrase.score()
                matched[leaf] = true
                upper += scores[leaf]
            }
        }
        return upper
    }

    private func isExcluded(_ candidate: UInt32) throws -> Bool {
        for scorer in excluded where try scorer.advance(to: candidate) == candidate { return true }
        return false
    }
}
