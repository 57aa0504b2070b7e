import VietSearchStorage

/// Documents matched by at least one sub-scorer (SHOULD clauses, a key in several fields, a prefix's
/// expansions). The score sums the subs on the document, in clause order.
/// Scans its few subs linearly per document (no heap bookkeeping); `WideDisjunctionScorer` takes over
/// past `DisjunctionScorer.linearLimit` subs.
final class DisjunctionScorer: DocScorer {
    /// Most subs scanned linearly; measured on vi-docs: below this a heap costs more than it saves.
    static let linearLimit = 8

    private let subs: [any DocScorer]
    /// Unchecked exclusivity: see TermScorer.
    @exclusivity(unchecked) private(set) var doc: UInt32
    let cost: UInt64

    func estimatedMatches(documentCount: Double) -> Double {
        subs.reduce(0) { $0 + $1.estimatedMatches(documentCount: documentCount) }
    }

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

    func maxScore() throws -> Double { try SummedBounds.maxScore(of: subs) }

    func blockMax(at target: UInt32) throws -> (lastDoc: UInt32, bound: Double) {
        try bounds.blockMax(of: subs, at: target)
    }
    @exclusivity(unchecked) private var bounds = SummedBounds()

    func explain(into components: inout [ScoreContribution]) throws {
        for sub in subs where sub.doc == doc { try sub.explain(into: &components) }
    }
}
