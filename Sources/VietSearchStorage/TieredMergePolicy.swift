/// Chooses merges so the segment count stays logarithmic in the index size and deletes get applied.
///
/// Segments are grouped into tiers by live document count: tier t holds sizes in
/// `[floor·f^t, floor·f^(t+1))` with `f = segmentsPerTier` (everything below `floor` is tier 0).
/// Merges only ever combine *adjacent* segments (Lucene's log merge policy), so the global document
/// order (manifest order, then local doc id) and with it the tie-breaking of equal scores never
/// changes. Walking the manifest from the start, a level is the run of segments up to the last one of
/// the highest remaining tier; within it every `f` consecutive segments are merged into one, which
/// lands about one tier higher. So each level keeps fewer than `f` segments after merging and there are
/// about `log_f(documents / floor)` levels.
/// A segment with more than `maxDeletedFraction` of its documents deleted is rewritten on its own.
package struct TieredMergePolicy: Sendable, Equatable {
    package var segmentsPerTier: Int
    package var floorDocuments: Int
    package var maxDeletedFraction: Double

    package init(segmentsPerTier: Int = 10, floorDocuments: Int = 1_000, maxDeletedFraction: Double = 0.5) {
        self.segmentsPerTier = Swift.max(2, segmentsPerTier)
        self.floorDocuments = Swift.max(1, floorDocuments)
        self.maxDeletedFraction = maxDeletedFraction
    }

    /// The tier of a segment with `live` documents.
    package func tier(ofLiveDocuments live: Int) -> Int {
        var tier = 0
        var bound = floorDocuments * segmentsPerTier
        while live >= bound && tier < 60 {
            tier += 1
            let (next, overflow) = bound.multipliedReportingOverflow(by: segmentsPerTier)
            if overflow { break }
            bound = next
        }
        return tier
    }

    /// Groups of consecutive segment indices (into `segments`) to merge, each group into one new
    /// segment; disjoint, ascending.
    package func findMerges(_ segments: [SegmentMeta]) -> [[Int]] {
        let tiers = segments.map { tier(ofLiveDocuments: Int($0.liveDocumentCount)) }
        var merges: [[Int]] = []
        var start = 0
        while start < segments.count {
            let top = tiers[start...].max() ?? 0
            let upto = tiers.lastIndex(of: top) ?? start
            var window = start
            while window + segmentsPerTier <= upto + 1 {
                merges.append(Array(window..<(window + segmentsPerTier)))
                window += segmentsPerTier
            }
            // Segments of the level left unmerged: rewrite alone the ones mostly deleted.
            for index in window..<(upto + 1) where isMostlyDeleted(segments[index]) { merges.append([index]) }
            start = upto + 1
        }
        return merges
    }

    private func isMostlyDeleted(_ segment: SegmentMeta) -> Bool {
        segment.documentCount > 0 && Double(segment.deletedCount) > maxDeletedFraction * Double(segment.documentCount)
    }

    /// The merges that leave at most `maxSegments` segments and no deleted documents: adjacent
    /// segments are merged into `maxSegments` runs of about equal document counts, and a run of one
    /// segment with deletes is rewritten on its own.
    package static func forceMerges(_ segments: [SegmentMeta], maxSegments: Int) -> [[Int]] {
        let limit = Swift.max(1, maxSegments)
        guard !segments.isEmpty else { return [] }
        var runs: [[Int]] = []
        if segments.count <= limit {
            runs = segments.indices.map { [$0] }
        } else {
            // Greedy: close a run once it reaches its share of the remaining documents, keeping
            // enough segments for the remaining runs.
            var remainingDocs = segments.reduce(0) { $0 + Int($1.liveDocumentCount) }
            var current: [Int] = []
            var currentDocs = 0
            for index in segments.indices {
                current.append(index)
                currentDocs += Int(segments[index].liveDocumentCount)
                // The last run takes whatever remains, so there are never more than `limit` runs.
                let runsLeft = limit - runs.count
                if runsLeft > 1 && currentDocs >= remainingDocs / runsLeft {
                    runs.append(current)
                    remainingDocs -= currentDocs
                    current = []
                    currentDocs = 0
                }
            }
            if !current.isEmpty { runs.append(current) }
        }
        return runs.filter { $0.count > 1 || segments[$0[0]].deletedCount > 0 }
    }
}
