import VietSearchStorage

/// Top-k over a query made of phrases only (`"đảng viên"` over title and body, `"a b" OR "c d"`): the
/// leaves are two-phase `PhraseScorer`s, which walk the documents having every key and read positions
/// only on `confirm()`. Phrase queries are the class where nearly all the time goes into confirming
/// candidates (a common pair's keys share thousands of documents, a few percent hold the phrase), so this
/// loop keeps the per-candidate work to the confirmation itself:
///
/// - While counting (fewer than `totalHitsThreshold` matches so far) every candidate must be confirmed
///   anyway to be counted, so no bound is computed: confirm, and score only a match; the leaves move from
///   match to match (`PhraseScorer.nextMatch`), so candidates without the phrase never reach this loop. (`MaxScoreDisjunction`
///   computed a per-document bound first, and its general leaf bookkeeping cost more per candidate than
///   the plain scorer tree.)
/// - Then MaxScore with block-max: a window of documents whose leaves' block bounds cannot beat the k-th
///   score θ is skipped without reading positions; leaves whose whole-list bounds sum below θ stop
///   producing candidates; a candidate's positions are read only while its per-document bound (the keys'
///   smallest tf and the field length, `PhraseScorer.documentBound`) can still beat θ.
///
/// Exact: the same top k with bit-identical scores (summed as the scorer tree sums them, `ScoreSumTree`)
/// and the same count up to the threshold as exhaustive scoring (`PruningTests`).
final class PhrasePruner {
    /// Relative slack on bound comparisons: bounds and scores are summed in different orders.
    private static let slack = 1e-9

    /// The leaves, kept alive by `owners`, called through unmanaged references (the helpers at the end):
    /// that saves a retain and a release per call in the per-candidate loop. The per-leaf state below is
    /// raw memory this pruner owns (freed in `deinit`): arrays cost a bounds or uniqueness check per
    /// access, and the loop touches them several times per candidate document.
    private let phrases: UnsafeMutablePointer<Unmanaged<PhraseScorer>>
    private let leafCount: Int
    private let owners: [PhraseScorer]
    private let tree: ScoreSumTree
    /// Whether `tree` is one node over leaves 0..<leafCount in order (`matchedSum` then sums them itself).
    private let isFlatTree: Bool
    private let bounds: [Double]
    /// Leaf indices by ascending bound, and `prefixBounds[i]` = the bounds of `byBound[0..<i]` summed.
    private let byBound: UnsafeMutablePointer<Int>
    private let prefixBounds: [Double]
    private let scores: UnsafeMutablePointer<Double>
    private let matched: UnsafeMutablePointer<Bool>
    private let documentBounds: UnsafeMutablePointer<Double>

    /// Nil unless every leaf is a two-phase phrase (`QueryWeight.disjunctiveLeaves` of a phrase-only query).
    init?(leaves: [any DocScorer], tree: ScoreSumTree) throws {
        var phrases: [PhraseScorer] = []
        for leaf in leaves {
            guard let phrase = leaf as? PhraseScorer, phrase.isTwoPhase else { return nil }
            phrases.append(phrase)
        }
        guard !phrases.isEmpty else { return nil }
        owners = phrases
        leafCount = phrases.count
        self.tree = tree
        isFlatTree = tree.flatLeafCount == leafCount
        let bounds = try phrases.map { try $0.maxScore() }
        self.bounds = bounds
        let (order, prefixBounds) = SummedBounds.ascendingOrder(of: bounds)
        self.prefixBounds = prefixBounds
        self.phrases = .allocate(capacity: leafCount)
        self.phrases.initialize(from: phrases.map { Unmanaged.passUnretained($0) }, count: leafCount)
        byBound = .allocate(capacity: leafCount)
        byBound.initialize(from: order, count: leafCount)
        scores = .allocate(capacity: leafCount)
        scores.initialize(repeating: 0, count: leafCount)
        matched = .allocate(capacity: leafCount)
        matched.initialize(repeating: false, count: leafCount)
        documentBounds = .allocate(capacity: leafCount)
        documentBounds.initialize(from: bounds, count: leafCount)
    }

    deinit {
        phrases.deallocate()
        byBound.deallocate()
        scores.deallocate()
        matched.deallocate()
        documentBounds.deallocate()
    }

    /// The scorer tree's sum over the matched leaves. A flat tree (one phrase over its fields, the common
    /// query: one node whose children are the leaves in order) is summed here as the tree sums it, from 0
    /// in leaf order, without the tree's walk over its node arrays: the sum is taken once per match, and
    /// matches are hundreds a query.
    @inline(__always)
    private func matchedSum() -> Double {
        guard isFlatTree else {
            return tree.sum(matched: UnsafeBufferPointer(start: matched, count: leafCount),
                            scores: UnsafeBufferPointer(start: scores, count: leafCount))
        }
        var total = 0.0
        for leaf in 0..<leafCount where matched[leaf] { total += scores[leaf] }
        return total
    }

    /// Offers every competitive document to `collector` and counts matches up to `totalHitsThreshold`.
    /// Returns false when the count it added is only a lower bound.
    func collect(into collector: inout TopKCollector, segment: Int, totalHitsThreshold: Int) throws -> Bool {
        var counting = collector.totalHits < totalHitsThreshold
        var exact = counting
        let count = leafCount
        var essentialStart = 0
        var threshold = collector.threshold ?? -Double.infinity
        // While counting, a flat tree's matches take the lean loop (`countFlatMatches`); it returns the
        // candidate whose match reached the threshold, which then finishes here as the loop below would.
        var stopped: UInt32?
        if counting && isFlatTree {
            guard let candidate = try countFlatMatches(into: &collector, segment: segment,
                                                       totalHitsThreshold: totalHitsThreshold) else { return exact }
            counting = false
            exact = false
            stopped = candidate
        }
        while true {
            var candidate = PostingsCursor.noMoreDocs
            if let last = stopped {
                candidate = last
            } else {
                for rank in essentialStart..<count { candidate = Swift.min(candidate, doc(byBound[rank])) }
                guard candidate != PostingsCursor.noMoreDocs else { return exact }
            }
            if stopped != nil {
                stopped = nil
            } else if counting {
                try countAndCollect(candidate, into: &collector, segment: segment)
                if collector.totalHits >= totalHitsThreshold {
                    counting = false
                    exact = false
                }
            } else if threshold > -Double.infinity, let windowEnd = try skippableWindow(at: candidate, threshold) {
                guard windowEnd < PostingsCursor.noMoreDocs - 1 else { return exact }
                for rank in essentialStart..<count where doc(byBound[rank]) <= windowEnd {
                    _ = try advance(byBound[rank], to: windowEnd + 1)
                }
                continue
            } else {
                try offerIfCompetitive(candidate, essentialStart: essentialStart, threshold: threshold,
                                       into: &collector, segment: segment)
            }
            if let current = collector.threshold, current > threshold { threshold = current }
            while !counting && essentialStart < count && prefixBounds[essentialStart + 1] * (1 + Self.slack) < threshold {
                essentialStart += 1
            }
            // While counting, every candidate is confirmed: the leaves move straight to their next match.
            for rank in essentialStart..<count where doc(byBound[rank]) == candidate {
                _ = counting ? try nextMatch(byBound[rank]) : try nextDoc(byBound[rank])
            }
        }
    }

    /// Counting over a flat tree (`isFlatTree`, the common phrase query: one phrase over its fields), the
    /// per-match work of `countAndCollect` and the leaves' moves in one loop: every leaf on the candidate is
    /// confirmed, the matched scores summed from 0 in leaf order (as `matchedSum` sums them) and collected,
    /// and those leaves move to their next match. Returns nil when the leaves are exhausted, else the
    /// candidate whose match made the count reach `totalHitsThreshold` (its leaves not yet moved).
    private func countFlatMatches(into collector: inout TopKCollector, segment: Int,
                                  totalHitsThreshold: Int) throws -> UInt32? {
        let count = leafCount
        while true {
            var candidate = PostingsCursor.noMoreDocs
            for leaf in 0..<count { candidate = Swift.min(candidate, doc(leaf)) }
            guard candidate != PostingsCursor.noMoreDocs else { return nil }
            var total = 0.0
            var anyMatch = false
            for leaf in 0..<count where doc(leaf) == candidate {
                guard try confirm(leaf) else { continue }
                total += try score(leaf)
                anyMatch = true
            }
            if anyMatch {
                collector.collect(score: total, segment: segment, doc: candidate)
                if collector.totalHits >= totalHitsThreshold { return candidate }
            }
            for leaf in 0..<count where doc(leaf) == candidate { _ = try nextMatch(leaf) }
        }
    }

    /// Counting: every leaf on `candidate` is confirmed (a match must be counted, and scored for the heap).
    private func countAndCollect(_ candidate: UInt32, into collector: inout TopKCollector, segment: Int) throws {
        var anyMatch = false
        for leaf in 0..<leafCount where doc(leaf) == candidate {
            guard try confirm(leaf) else { continue }
            scores[leaf] = try score(leaf)
            matched[leaf] = true
            anyMatch = true
        }
        guard anyMatch else { return }
        collector.collect(score: matchedSum(), segment: segment, doc: candidate)
        for leaf in 0..<leafCount { matched[leaf] = false }
    }

    /// Block-max: when the leaves' bounds over the blocks holding `candidate` cannot beat θ, the last
    /// document of the window they cover (nothing in it can enter the top k); else nil.
    private func skippableWindow(at candidate: UInt32, _ threshold: Double) throws -> UInt32? {
        var blockUpper = 0.0
        var windowEnd = PostingsCursor.noMoreDocs - 1
        for leaf in 0..<leafCount {
            // A leaf already past the candidate has nothing before its current document.
            let current = doc(leaf)
            if current > candidate {
                windowEnd = Swift.min(windowEnd, current - 1)
                continue
            }
            let part = try phrases[leaf]._withUnsafeGuaranteedRef { try $0.blockMax(at: candidate) }
            blockUpper += part.bound
            windowEnd = Swift.min(windowEnd, part.lastDoc)
        }
        return blockUpper * (1 + Self.slack) < threshold ? windowEnd : nil
    }

    /// Pruning: scores `candidate` only while its bound can beat θ. The essential leaves on it count with
    /// their per-document bounds, the others with their list bounds until advanced; positions are read
    /// last, strongest leaf first, and only while the document still competes.
    private func offerIfCompetitive(_ candidate: UInt32, essentialStart: Int, threshold: Double,
                                    into collector: inout TopKCollector, segment: Int) throws {
        var upper = prefixBounds[essentialStart]
        for rank in essentialStart..<leafCount {
            let leaf = byBound[rank]
            documentBounds[leaf] = doc(leaf) == candidate ? try documentBound(leaf) : 0
            upper += documentBounds[leaf]
        }
        var rank = essentialStart - 1
        while rank >= 0 && upper * (1 + Self.slack) >= threshold {
            let leaf = byBound[rank]
            upper -= bounds[leaf]
            documentBounds[leaf] = try advance(leaf, to: candidate) == candidate
                ? try documentBound(leaf) : 0
            upper += documentBounds[leaf]
            rank -= 1
        }
        var anyMatch = false
        for rank in stride(from: leafCount - 1, through: 0, by: -1) {
            let leaf = byBound[rank]
            guard upper * (1 + Self.slack) >= threshold else { break }
            guard doc(leaf) == candidate else { continue }
            upper -= documentBounds[leaf]
            if try confirm(leaf) {
                scores[leaf] = try score(leaf)
                matched[leaf] = true
                anyMatch = true
                upper += scores[leaf]
            }
        }
        if anyMatch && upper * (1 + Self.slack) >= threshold {
            collector.offer(score: matchedSum(), segment: segment, doc: candidate)
        }
        for leaf in 0..<leafCount { matched[leaf] = false }
    }

    // Leaf calls without retain/release (see `phrases`).

    @inline(__always)
    private func doc(_ leaf: Int) -> UInt32 { phrases[leaf]._withUnsafeGuaranteedRef { $0.doc } }

    @inline(__always)
    private func advance(_ leaf: Int, to target: UInt32) throws -> UInt32 {
        try phrases[leaf]._withUnsafeGuaranteedRef { try $0.advance(to: target) }
    }

    @inline(__always)
    private func nextDoc(_ leaf: Int) throws -> UInt32 { try phrases[leaf]._withUnsafeGuaranteedRef { try $0.nextDoc() } }

    @inline(__always)
    private func nextMatch(_ leaf: Int) throws -> UInt32 { try phrases[leaf]._withUnsafeGuaranteedRef { try $0.nextMatch() } }

    @inline(__always)
    private func confirm(_ leaf: Int) throws -> Bool { try phrases[leaf]._withUnsafeGuaranteedRef { try $0.confirm() } }

    @inline(__always)
    private func score(_ leaf: Int) throws -> Double { try phrases[leaf]._withUnsafeGuaranteedRef { try $0.score() } }

    @inline(__always)
    private func documentBound(_ leaf: Int) throws -> Double {
        try phrases[leaf]._withUnsafeGuaranteedRef { try $0.documentBound() }
    }
}
