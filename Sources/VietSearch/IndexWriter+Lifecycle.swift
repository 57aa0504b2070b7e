import VietSearchQuery
import VietSearchStorage

/// Delete by query and merges (issue 5).
extension IndexWriter {
    /// Deletes every live document matching `query` (same syntax and fields as `Searcher.search`; the
    /// limit is ignored), including documents added earlier in this batch, as of the next commit.
    /// Matching is always `.bm25`'s (a word with marks matches its exact key only): `.vietnamese` scoring
    /// also matches folded look-alikes (`bán` finds `bản`), which a delete must never reach.
    /// Returns how many were deleted.
    @discardableResult
    public func delete(query: String, options: SearchOptions = SearchOptions()) throws -> Int {
        try VietSearchError.mapping {
            try ensureOpen()
            try flush()
            let segments = committedSegments + flushed
            var queryOptions = try options.validated()
            queryOptions.limit = segments.reduce(0) { $0 + Int($1.documentCount) }
            queryOptions.explain = false
            queryOptions.scoring = .bm25
            queryOptions.suggest = false
            let result = try QueryEngine(segments: segments).search(query, options: queryOptions)
            var deleted = 0
            for hit in result.hits where markDeleted(segments[hit.segment], hit.doc) { deleted += 1 }
            return deleted
        }
    }

    /// Commits pending work if there is any, then merges the committed segments down to at most
    /// `maxSegments`, dropping every deleted document, and commits the result (one new generation).
    /// Merging streams the segments (bounded memory). Searchers opened before keep their snapshot.
    public func forceMerge(maxSegments: Int = 1) throws {
        try VietSearchError.mapping {
            try ensureOpen()
            guard maxSegments >= 1 else { throw VietSearchError.invalidArgument("maxSegments must be >= 1 (got \(maxSegments))") }
            if hasPendingChanges { try commit() }
            try applyMerges(TieredMergePolicy.forceMerges(committed.segments, maxSegments: maxSegments))
            try? store.removeUnreferencedFiles(keeping: committed)
        }
    }

    /// Merges as the policy asks until it asks for nothing more (called after each commit).
    func runMergePolicy() throws {
        guard let settings = configuration.mergePolicy else { return }
        let policy = TieredMergePolicy(segmentsPerTier: settings.segmentsPerTier, floorDocuments: settings.floorDocuments,
                                       maxDeletedFraction: settings.maxDeletedFraction)
        // Each round strictly lowers the segment count or the deleted count; the bound is a safety net.
        for _ in 0..<64 {
            let merges = policy.findMerges(committed.segments)
            if merges.isEmpty { return }
            try applyMerges(merges)
        }
    }

    /// Merges each group of committed segment indices into one segment (placed where the group's first
    /// segment was) and commits the new segment list as one generation.
    func applyMerges(_ groups: [[Int]]) throws {
        guard !groups.isEmpty else { return }
        var replacement: [Int: SegmentMeta?] = [:]
        var removed = Set<Int>()
        var readers: [SegmentReader] = committedSegments
        for group in groups where !group.isEmpty {
            let merged = try store.merge(group.map { committedSegments[$0] })
            if let merged { readers.append(try store.openSegment(merged)) }
            replacement[group[0]] = merged
            removed.formUnion(group)
        }
        var segments: [SegmentMeta] = []
        for (index, meta) in committed.segments.enumerated() {
            if let merged = replacement[index] {
                if let merged { segments.append(merged) }
            } else if !removed.contains(index) {
                segments.append(meta)
            }
        }
        let manifest = Manifest(generation: committed.generation + 1, segments: segments)
        try store.commit(manifest)
        try adopt(manifest, reusing: readers)
    }
}
