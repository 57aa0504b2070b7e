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

    /// The segments the commit being made publishes, in order: the committed ones, then this batch's
    /// flushed ones merged (each run of them without pending deletes, `segmentsPerTier` at a time,
    /// so a batch of up to that many flushes ends as one segment; unless the settings
    /// say `mergesFlushedSegments: false`), then merged further as
    /// the merge policy asks, all before publishing, so that the commit publishes one generation and
    /// leaves no superseded segment of its own on disk (and searches see few segments). A merge drops
    /// the deletes its inputs were committed with, not this commit's pending ones, so segments with
    /// pending deletes are left to the merges after the commit (`runMergePolicy`).
    /// Without a merge policy (automatic merging off), the flushed segments are published as they are.
    func segmentsToPublish() throws -> [SegmentReader] {
        guard let settings = configuration.mergePolicy else { return committedSegments + flushed }
        var segments = committedSegments
        var run: [SegmentReader] = []
        // At most `segmentsPerTier` inputs per merge, as the policy's own merges: a merge's resident
        // memory grows with its number of inputs (each input's mapped pages around its read positions;
        // 64 inputs took the RSS of a 100k-document run from 150 to 320 MB).
        let maximumInputs = Swift.max(2, settings.segmentsPerTier)
        for reader in flushed {
            if !settings.mergesFlushedSegments {
                segments.append(reader)
            } else if hasPendingDeletes(reader) {
                segments += try mergedOrUnchanged(run)
                segments.append(reader)
                run = []
            } else {
                run.append(reader)
                if run.count == maximumInputs {
                    segments += try mergedOrUnchanged(run)
                    run = []
                }
            }
        }
        segments += try mergedOrUnchanged(run)
        let policy = TieredMergePolicy(segmentsPerTier: settings.segmentsPerTier, floorDocuments: settings.floorDocuments,
                                       maxDeletedFraction: settings.maxDeletedFraction)
        // Each round lowers the segment count or the deleted count; the bound is a safety net.
        for _ in 0..<64 {
            let groups = policy.findMerges(segments.map(\.meta)).filter { $0.allSatisfy { !hasPendingDeletes(segments[$0]) } }
            if groups.isEmpty { break }
            var replacement: [Int: [SegmentReader]] = [:]
            for group in groups { replacement[group[0]] = try mergedOrUnchanged(group.map { segments[$0] }, always: true) }
            let merged = Set(groups.joined())
            var next: [SegmentReader] = []
            for index in segments.indices where !merged.contains(index) || replacement[index] != nil {
                next += replacement[index] ?? [segments[index]]
            }
            segments = next
        }
        return segments
    }

    private func hasPendingDeletes(_ segment: SegmentReader) -> Bool {
        !(pendingDeletes[segment.meta.id]?.isEmpty ?? true)
    }

    /// `segments` merged into one new (unpublished) segment, or as they are when there are fewer than
    /// two (unless `always`: a single segment with deletes is rewritten without them). Empty when no
    /// live document remains.
    private func mergedOrUnchanged(_ segments: [SegmentReader], always: Bool = false) throws -> [SegmentReader] {
        guard segments.count > 1 || (always && !segments.isEmpty) else { return segments }
        guard let merged = try store.merge(segments) else { return [] }
        let reader = try store.openSegment(merged)
        reader.releaseResidentPages()
        return [reader]
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
