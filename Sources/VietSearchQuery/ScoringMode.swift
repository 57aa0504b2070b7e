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
    /// Boost of the folded phrase of two adjacent query tokens (`dang vien` → phrase `dang vien`).
    package var adjacencyWeight: Double
    /// Extra boost when the adjacent pair also occurs with the keys as typed (exact keys for marked tokens).
    package var exactAdjacencyWeight: Double

    package static let measuredDefault = VietnameseWeights(foldedWeight: 0.3, adjacencyWeight: 1.0,
                                                           exactAdjacencyWeight: 0.5)

    package init(foldedWeight: Double, adjacencyWeight: Double, exactAdjacencyWeight: Double) {
        self.foldedWeight = foldedWeight
        self.adjacencyWeight = adjacencyWeight
        self.exactAdjacencyWeight = exactAdjacencyWeight
    }
}
