import VietSearchStorage

/// Top-k over a query with required clauses (`a AND b`, `+a b`, and the `.vietnamese` adjacency phrases
/// added to them as optional clauses): the documents are those of the required conjunction (minus
/// exclusions), as in `BooleanScorer`, but once the collector has counted `totalHitsThreshold` matches
/// an optional clause is advanced (phrase positions read) only for a document whose required score plus
/// the optional clauses' bounds can still beat the k-th best score, and the segment ends as soon as the
/// bounds of all clauses cannot; the required clauses' block bounds (block-max AND) skip whole blocks
/// of documents that cannot compete. Scores are summed exactly as `BooleanScorer` sums them.
final class ConjunctivePruner {
    /// Relative slack on bound comparisons: bounds and scores are summed in different orders.
    private static let slack = 1e-9

    private let required: any DocScorer
    private let optional: [any DocScorer]
    private let excluded: [any DocScorer]
    private let optionalBound: Double
    private let requiredBound: Double

    /// The parts as `QueryWeight.conjunctiveParts` returns them (already positioned).
    init(required: any DocScorer, optional: [any DocScorer], excluded: [any DocScorer]) throws {
        self.required = required
        self.optional = optional
        self.excluded = excluded
        var bound = 0.0
        for scorer in optional { bound += try scorer.maxScore() }
        optionalBound = bound
        requiredBound = try required.maxScore()
    }

    /// Offers the competitive documents to `collector` and counts matches up to `totalHitsThreshold`.
    /// Returns false when the count it added is only a lower bound.
    func collect(into collector: inout TopKCollector, segment: Int, totalHitsThreshold: Int) throws -> Bool {
        var counting = collector.totalHits < totalHitsThreshold
        var doc = required.doc
        while doc != PostingsCursor.noMoreDocs {
            if try isExcluded(doc) {
                doc = try required.nextDoc()
                continue
            }
            if counting {
                collector.collect(score: try fullScore(doc), segment: segment, doc: doc)
                counting = collector.totalHits < totalHitsThreshold
            } else {
                let threshold = collector.threshold ?? -Double.infinity
                if (requiredBound + optionalBound) * (1 + Self.slack) < threshold { return false }
                // Block-max AND: skip to the end of the nearest block when the blocks here cannot compete.
                let block = try required.blockMax(at: doc)
                if (block.bound + optionalBound) * (1 + Self.slack) < threshold {
                    guard block.lastDoc < PostingsCursor.noMoreDocs - 1 else { return false }
                    doc = try required.advance(to: block.lastDoc + 1)
                    continue
                }
                let base = try required.score()
                if (base + optionalBound) * (1 + Self.slack) >= threshold {
                    collector.offer(score: try addOptional(to: base, doc), segment: segment, doc: doc)
                }
            }
            doc = try required.nextDoc()
        }
        return counting
    }

    private func fullScore(_ doc: UInt32) throws -> Double {
        try addOptional(to: try required.score(), doc)
    }

    private func addOptional(to base: Double, _ doc: UInt32) throws -> Double {
        var total = base
        for scorer in optional where try scorer.advance(to: doc) == doc { total += try scorer.score() }
        return total
    }

    private func isExcluded(_ candidate: UInt32) throws -> Bool {
        for scorer in excluded where try scorer.advance(to: candidate) == candidate { return true }
        return false
    }
}
