import Foundation

/// Settings for opening an index.
public struct IndexConfiguration: Sendable {
    /// Indexing buffer in bytes: a segment is flushed when the in-memory buffer passes it. Default 128 MiB (tantivy-py's writer heap).
    public var memoryBudget: Int = 128 << 20
    /// When the writer merges segments after a commit; nil turns automatic merging off
    /// (`IndexWriter.forceMerge` still works).
    public var mergePolicy: MergePolicySettings? = MergePolicySettings()

    /// Threads that build segments while documents are added. With more than one, documents are cut
    /// into contiguous batches built in parallel, so search results and document order are the same
    /// as with one; the memory budget is shared among them. Default: the active processor count.
    public var threads: Int = IndexConfiguration.defaultThreads

    /// The number of active processors (at least 1).
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    public init(memoryBudget: Int = 128 << 20, threads: Int = IndexConfiguration.defaultThreads) {
        self.memoryBudget = memoryBudget
        self.threads = max(1, threads)
    }
}

/// The tiered merge policy (README "Index lifecycle"): segments are grouped in tiers by live document
/// count (`floorDocuments · segmentsPerTier^t`); a tier holding `segmentsPerTier` segments has its
/// smallest ones merged, so the segment count stays logarithmic in the index size. A segment with more
/// than `maxDeletedFraction` of its documents deleted is rewritten on its own.
///
/// By default a commit also merges the segments it flushed into one before publishing them
/// (`mergesFlushedSegments`): a bulk load ends with one segment per commit, which searches faster, at the
/// cost of rewriting the batch once (about a sixth of indexing time on the README's corpus).
public struct MergePolicySettings: Sendable, Equatable {
    public var segmentsPerTier: Int
    public var floorDocuments: Int
    public var maxDeletedFraction: Double
    /// Merge the segments flushed since the last commit into one before the commit publishes them.
    public var mergesFlushedSegments: Bool

    public init(segmentsPerTier: Int = 10, floorDocuments: Int = 1_000, maxDeletedFraction: Double = 0.5,
                mergesFlushedSegments: Bool = true) {
        self.segmentsPerTier = segmentsPerTier
        self.floorDocuments = floorDocuments
        self.maxDeletedFraction = maxDeletedFraction
        self.mergesFlushedSegments = mergesFlushedSegments
    }
}
