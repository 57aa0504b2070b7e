/// Iterates one term's postings in doc-id order (Lucene's DocIdSetIterator shape): call `nextDoc()`
/// or `advance(to:)` first; both return `PostingsCursor.noMoreDocs` at the end.
package struct PostingsCursor {
    package static let noMoreDocs = UInt32.max

    /// The current document, or `noMoreDocs`; undefined before the first move.
    package private(set) var doc: UInt32 = 0

    /// Moves to the next document.
    package mutating func nextDoc() throws -> UInt32 {
        throw StorageError.unimplemented("PostingsCursor.nextDoc")
    }

    /// Moves to the first document >= `target` (using skip entries), never backwards.
    package mutating func advance(to target: UInt32) throws -> UInt32 {
        throw StorageError.unimplemented("PostingsCursor.advance")
    }

    /// Term frequency in the current document.
    package var termFrequency: UInt32 { 0 }

    /// Positions of the term in the current document, ascending.
    package mutating func positions() throws -> [UInt32] {
        throw StorageError.unimplemented("PostingsCursor.positions")
    }

    /// The largest doc id of the current 128-doc block and the block's best (tf, field length) pair,
    /// for block-max pruning (issue 4). Valid after a move.
    package var blockMaxImpact: (lastDoc: UInt32, termFrequency: UInt32, fieldLength: UInt32) { (0, 0, 0) }
}
