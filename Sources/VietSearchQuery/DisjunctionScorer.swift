import VietSearchStorage

/// Documents matched by at least one sub-scorer (SHOULD clauses, a key in several fields, a prefix's
/// expansions). The score sums the subs on the document, in clause order.
/// v1 scans the subs linearly per document; a heap (or block-max WAND, issue 4) can replace it.
final class DisjunctionScorer: DocScorer {
    private let subs: [any DocScorer]
    private(set) var doc: UInt32
    let cost: UInt64

    /// `subs` must be non-empty and already positioned.
    init(_ subs: [any DocScorer]) {
        self.subs = subs
        cost = subs.reduce(0) { $0 &+ $1.cost }
        doc = subs.reduce(PostingsCursor.noMoreDocs) { min($0, $1.doc) }
    }

    func nextDoc() throws -> UInt32 {
        guard doc != PostingsCursor.noMoreDocs else { return doc }
        var smallest = PostingsCursor.noMoreDocs
        for sub in subs {
            let position = sub.doc == doc ? try sub.nextDoc() : sub.doc
            smallest = min(smallest, position)
        }
        doc = smallest
        return doc
    }

    func advance(to target: UInt32) throws -> UInt32 {
        guard target > doc else { return doc }
        var smallest = PostingsCursor.noMoreDocs
        for sub in subs {
            smallest = min(smallest, try sub.advance(to: target))
        }
        doc = smallest
        return doc
    }

    func score() throws -> Double {
        var total = 0.0
        for sub in subs where sub.doc == doc { total += try sub.score() }
        return total
    }

    func explain(into components: inout [ScoreContribution]) throws {
        for sub in subs where sub.doc == doc { try sub.explain(into: &components) }
    }
}
