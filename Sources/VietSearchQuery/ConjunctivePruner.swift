import VietSearchStorage

/// Top-k over a query with required clauses (`a AND b`, `+a b`, and the `.vietnamese` adjacency phrases
/// added to them as optional clauses). The documents are those of the required conjunction (minus
/// exclusions), as in `BooleanScorer`; the optional clauses are flattened into leaves (adjacency phrases
/// in two-phase mode), and a phrase's positions are read only when the document can still enter the top
/// k, judged with the phrase's per-document bound. Once `totalHitsThreshold` matches are counted the
/// segment also skips: whole blocks of the required clauses whose block bounds cannot compete (block-max
/// AND), and everything once no document can. Scores are summed exactly as `BooleanScorer` sums them
/// (`ScoreSumTree`: the required score, then each matching optional clause).
final class ConjunctivePruner {
    /// Relative slack on bound comparisons: bounds and scores are summed in different orders.
    private static let slack = 1e-9

    /// Leaf 0 is the required scorer, the rest the optional clauses' leaves.
    private let leaves: [any DocScorer]
    private let tree: ScoreSumTree
    private let excluded: [any DocScorer]
    private let twoPhase: [PhraseScorer?]
    private let optionalBound: Double
    private let requiredBound: Double
    @exclusivity(unchecked) private var scores: [Double]
    @exclusivity(unchecked) private var matched: [Bool]
    @exclusivity(unchecked) private var documentBounds: [Double]
    @exclusivity(unchecked) private var pending: [Int] = []

    /// The parts as `QueryWeight.conjunctiveParts` returns them (already positioned).
    init(leaves: [any DocScorer], tree: ScoreSumTree, excluded: [any DocScorer]) throws {
        self.leaves = leaves
        self.tree = tree
        self.excluded = excluded
        twoPhase = leaves.map { ($0 as? PhraseScorer).flatMap { $0.isTwoPhase ? $0 : nil } }
        var bound = 0.0
        for leaf in leaves.dropFirst() { bound += try leaf.maxScore() }
        optionalBound = bound
        requiredBound = try leaves[0].maxScore()
        scores = Array(repeating: 0, count: leaves.count)
        matched = Array(repeating: false, count: leaves.count)
        documentBounds = Array(repeating: 0, count: leaves.count)
    }

    /// Offers the competitive documents to `collector` and counts matches up to `totalHitsThreshold`.
    /// Returns false when the count it added is only a lower bound.
    func collect(into collector: inout TopKCollector, segment: Int, totalHitsThreshold: Int) throws -> Bool {
        let required = leaves[0]
        var counting = collector.totalHits < totalHitsThreshold
        var doc = required.doc
        while doc != PostingsCursor.noMoreDocs {
            if try isExcluded(doc) {
                doc = try required.nextDoc()
                continue
            }
            let threshold = collector.threshold ?? -Double.infinity
            if !counting {
                if (requiredBound + optionalBound) * (1 + Self.slack) < threshold { return false }
                // Block-max AND: skip to the end of the nearest block when the blocks here cannot compete.
                let block = try required.blockMax(at: doc)
                if (block.bound + optionalBound) * (1 + Self.slack) < threshold {
                    guard block.lastDoc < PostingsCursor.noMoreDocs - 1 else { return false }
                    doc = try required.advance(to: block.lastDoc + 1)
                    continue
                }
            }
            let base = try required.score()
            scores[0] = base
            matched[0] = true
            var upper = base + optionalBound
            if upper * (1 + Self.slack) >= threshold {
                upper = try scoreOptional(doc, base: base, threshold: threshold)
            }
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
            doc = try required.nextDoc()
        }
        return counting
    }

    /// Scores the optional leaves on `doc` (phrases confirmed only while the document can still compete)
    /// and returns the document's bound: its exact score when every leaf was resolved.
    private func scoreOptional(_ doc: UInt32, base: Double, threshold: Double) throws -> Double {
        var upper = base
        pending.removeAll(keepingCapacity: true)
        for leaf in leaves.indices.dropFirst() where try leaves[leaf].advance(to: doc) == doc {
            if let phrase = twoPhase[leaf] {
                // Before the heap is full every document competes: no bound needed.
                documentBounds[leaf] = threshold > -Double.infinity ? try phrase.documentBound() : 0
                upper += documentBounds[leaf]
                pending.append(leaf)
            } else {
                scores[leaf] = try leaves[leaf].score()
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
