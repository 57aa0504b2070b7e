import VietSearchStorage

/// Lucene BooleanQuery over one segment: `required` decides which documents match (the conjunction
/// of MUST clauses, or the disjunction of SHOULD clauses when there is no MUST); `optional` SHOULD
/// clauses add their score when they also match; any `excluded` (MUST_NOT) match removes the document.
final class BooleanScorer: DocScorer {
    private let required: any DocScorer
    private let optional: [any DocScorer]
    private let excluded: [any DocScorer]
    /// Unchecked exclusivity: see TermScorer.
    @exclusivity(unchecked) private(set) var doc: UInt32
    var cost: UInt64 { required.cost }

    func estimatedMatches(documentCount: Double) -> Double { required.estimatedMatches(documentCount: documentCount) }

    init(required: any DocScorer, optional: [any DocScorer], excluded: [any DocScorer]) throws {
        self.required = required
        self.optional = optional
        self.excluded = excluded
        doc = 0
        doc = try skipExcluded(required.doc)
    }

    func nextDoc() throws -> UInt32 {
        guard doc != PostingsCursor.noMoreDocs else { return doc }
        doc = try skipExcluded(try required.nextDoc())
        return doc
    }

    func advance(to target: UInt32) throws -> UInt32 {
        if target > doc { doc = try skipExcluded(try required.advance(to: target)) }
        return doc
    }

    private func skipExcluded(_ start: UInt32) throws -> UInt32 {
        var candidate = start
        while candidate != PostingsCursor.noMoreDocs, try isExcluded(candidate) {
            candidate = try required.nextDoc()
        }
        return candidate
    }

    private func isExcluded(_ candidate: UInt32) throws -> Bool {
        for scorer in excluded where try scorer.advance(to: candidate) == candidate { return true }
        return false
    }

    func score() throws -> Double {
        var total = try required.score()
        for scorer in optional where try scorer.advance(to: doc) == doc { total += try scorer.score() }
        return total
    }

    /// Required plus every optional bound (exclusions only remove documents).
    func maxScore() throws -> Double {
        var total = try required.maxScore()
        for scorer in optional { total += try scorer.maxScore() }
        return total
    }

    func explain(into components: inout [ScoreContribution]) throws {
        try required.explain(into: &components)
        for scorer in optional where try scorer.advance(to: doc) == doc { try scorer.explain(into: &components) }
    }
}
