/// Chooses merges so the segment count stays logarithmic in the index size and deletes get applied.
///
/// Segments are grouped into tiers by live document count: tier t holds sizes in
/// `[floor·f^t, floor·f^(t+1))` with `f = segmentsPerTier` (everything below `floor` is tier 0). When a
/// tier holds `segmentsPerTier` segments or more, its smallest `segmentsPerTier` are merged into one,
/// which lands about one tier higher. So each tier holds fewer than `segmentsPerTier` segments and
/// there are about `log_f(documents / floor)` tiers: at most `(f − 1)·(tiers + 1)` segments.
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

    /// Groups of segment indices (into `segments`) to merge, each group into one new segment; disjoint.
    package func findMerges(_ segments: [SegmentMeta]) -> [[Int]] {
        var merges: [[Int]] = []
        var used = Set<Int>()
        for (index, segment) in segments.enumerated() where segment.documentCount > 0 {
            if Double(segment.deletedCount) > maxDeletedFraction * Double(segment.documentCount) {
                merges.append([index])
                used.insert(index)
            }
        }
        var tiers: [Int: [Int]] = [:]
        for (index, segment) in segments.enumerated() where !used.contains(index) {
            tiers[tier(ofLiveDocuments: Int(segment.liveDocumentCount)), default: []].append(index)
        }
        for tier in tiers.keys.sorted() {
            guard let members = tiers[tier], members.count >= segmentsPerTier else { continue }
            let smallest = members.sorted { (segments[$0].liveDocumentCount, $0) < (segments[$1].liveDocumentCount, $1) }
            merges.append(Array(smallest.prefix(segmentsPerTier)).sorted())
        }
        return merges
    }

    /// The merge that leaves at most `maxSegments` segments and no deleted documents: the smallest
    /// segments are merged together, and any segment that keeps deletes is rewritten on its own.
    package static func forceMerges(_ segments: [SegmentMeta], maxSegments: Int) -> [[Int]] {
        let limit = Swift.max(1, maxSegments)
        var merges: [[Int]] = []
        var merged = Set<Int>()
        if segments.count > limit {
            let bySize = segments.indices.sorted {
                (segments[$0].liveDocumentCount, $0) < (segments[$1].liveDocumentCount, $1)
            }
            let group = Array(bySize.prefix(segments.count - limit + 1)).sorted()
            merges.append(group)
            merged.formUnion(group)
        }
        for (index, segment) in segments.enumerated() where !merged.contains(index) && segment.deletedCount > 0 {
            merges.append([index])
        }
        return merges
    }
}
