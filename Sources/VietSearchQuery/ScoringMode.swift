/// Which ranking the engine applies on top of BM25 components.
package enum ScoringMode: Sendable, Equatable {
    /// The v1 formula exactly: each query token matches one key (exact if it has marks, else folded),
    /// one BM25 component per (clause, field, key).
    case bm25
    /// Two-level matching, partial marks and adjacency (`VietnameseQueryExpander`), BM25 components.
    case vietnamese(VietnameseWeights)
}

/// The weights of `.vietnamese` scoring. Defaults were chosen by measurement (README "Measured quality":
/// `Benchmarks/relevance`): see the grid in `Fixtures/relevance/README.md`.
package struct VietnameseWeights: Sendable, Equatable {
    /// `w` in `BM25(exact) + w · BM25(folded)` for a token typed with marks; below 1 so a document
    /// with the exact word outranks one that matches only after folding.
    package var foldedWeight: Double
    /// `a`: boost of the phrase of two adjacent query words with their keys as typed (`dang vien` → the
    /// folded phrase `dang vien`; `bản đồ` → the exact phrase), and `a · w` for the folded phrase of words
    /// typed with marks.
    package var adjacencyWeight: Double

    package static let measuredDefault = VietnameseWeights(foldedWeight: 0.2, adjacencyWeight: 10)

    package init(foldedWeight: Double, adjacencyWeight: Double) {
        self.foldedWeight = foldedWeight
        self.adjacencyWeight = adjacencyWeight
    }
}
