import VietSearchStorage

/// Documents matched by every sub-scorer (MUST clauses). Leapfrogs from the rarest sub-scorer;
/// the score is the sum of the subs' scores in clause order.
final class ConjunctionScorer: DocScorer {
    private let subs: [any DocScorer]
    private let byCost: [any DocScorer]
    /// Unchecked exclusivity: see TermScorer.
    @exclusivity(unchecked) private(set) var doc: UInt32
    let cost: UInt64

    func estimatedMatches(documentCount: Double) -> Double {
        Self.intersection(subs.map { $0.estimatedMatches(documentCount: documentCount) }, documentCount: documentCount)
    }

    /// The expected size of the intersection of independent sets of these sizes.
    static func intersection(_ sizes: [Double], documentCount: Double) -> Double {
        guard documentCount > 0 else { return 0 }
        return sizes.reduce(documentCount) { $0 * Swift.min(1, $1 / documentCount) }
    }

    /// `subs` must be non-empty and already positioned (the `DocScorer` invariant).
    init(_ subs: [any DocScorer]) throws {
        self.subs = subs
        byCost = subs.sorted { $0.cost < $1.cost }
        cost = byCost.first?.cost ?? 0
        doc = 0
        doc = try align(byCost[0].doc)
    }

    func nextDoc() throws -> UInt32 {
        guard doc != PostingsCursor.noMoreDocs else { return doc }
        doc = try align(try byCost[0].nextDoc())
        return doc
    }

    func advance(to target: UInt32) throws -> UInt32 {
        if target > doc { doc = try align(try byCost[0].advance(to: target)) }
        return doc
    }

    /// From the lead's position `candidate`, the first doc every sub is on.
    private func align(_ start: UInt32) throws -> UInt32 {
        var candidate = start
        var index = 1
        while candidate != PostingsCursor.noMoreDocs, index < byCost.count {
            let found = try byCost[index].advance(to: candidate)
            if found == candidate {
                index += 1
            } else {
                candidate = try byCost[0].advance(to: found)
                index = 1
            }
        }
        return candidate
    }

    func score() throws -> Double {
        var total = 0.0
        for sub in subs { total += try sub.score() }
        return total
    }

    func maxScore() throws -> Double { try SummedBounds.maxScore(of: subs) }

    func blockMax(at target: UInt32) throws -> (lastDoc: UInt32, bound: Double) {
        try bounds.blockMax(of: subs, at: target)
    }
    @exclusivity(unchecked) private var bounds = SummedBounds()

    func explain(into components: inout [ScoreContribution]) throws {
        for sub in subs { try sub.explain(into: &components) }
    }
}
