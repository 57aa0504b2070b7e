import VietSearchStorage

/// A per-segment cursor over the documents a query (or sub-query) matches, in doc-id order, with
/// their scores (Lucene's Scorer). Invariant: a scorer is always positioned — on creation it already
/// sits on its first match (or `PostingsCursor.noMoreDocs`), so composites can read `doc` at any time.
package protocol DocScorer: AnyObject {
    /// The current document, or `PostingsCursor.noMoreDocs`.
    var doc: UInt32 { get }
    /// Moves to the next match.
    func nextDoc() throws -> UInt32
    /// Moves to the first match >= `target`; a no-op when already there.
    func advance(to target: UInt32) throws -> UInt32
    /// Score of the current document.
    func score() throws -> Double
    /// An upper bound of the number of matches, used to lead conjunctions with the rarest clause.
    var cost: UInt64 { get }
    /// The expected number of matches among `documentCount` documents, taking the keys of conjunctions and
    /// phrases as independent: decides whether pruning can pay off before the total-hits threshold.
    func estimatedMatches(documentCount: Double) -> Double
    /// An upper bound of `score()` over every document this scorer can match (from the skip entries'
    /// per-block (max tf, min field length) pairs), for dynamic pruning. Reads no postings.
    func maxScore() throws -> Double
    /// A bound of `score()` over the documents in `target...lastDoc` (block-max pruning): for a term, its
    /// skip entry's bound for the block holding `target`. `target` never decreases between calls.
    func blockMax(at target: UInt32) throws -> (lastDoc: UInt32, bound: Double)
    /// Appends the components that make up `score()` for the current document, in summing order.
    func explain(into components: inout [ScoreContribution]) throws
}

extension DocScorer {
    func estimatedMatches(documentCount: Double) -> Double { Double(cost) }

    /// Without block data: the whole-list bound, valid up to the end.
    func blockMax(at target: UInt32) throws -> (lastDoc: UInt32, bound: Double) {
        (PostingsCursor.noMoreDocs - 1, try maxScore())
    }
}
