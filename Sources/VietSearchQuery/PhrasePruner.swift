import VietSearchStorage

/// Top-k over a query made of phrases only (`"đảng viên"` over title and body, `"a b" OR "c d"`): the
/// leaves are two-phase `PhraseScorer`s, which walk the documents having every key and read positions
/// only on `confirm()`. Phrase queries are the class where nearly all the time goes into confirming
/// candidates (a common pair's keys share thousands of documents, a few percent hold the phrase), so this
/// loop keeps the per-candidate work to the confirmation itself:
///
/// - While counting (fewer than `totalHitsThreshold` matches so far) every candidate must be confirmed
///   anyway to be counted, so no bound is computed: confirm, and score only a match. (`MaxScoreDisjunction`
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

    private let phrases: [PhraseScorer]
    private let tree: ScoreSumTree
    private let bounds: [Double]
    /// Leaf indices by ascending bound, and `prefixBounds[i]` = the bounds of `byBound[0..<i]` summed.
    private let byBound: [Int]
    private let prefixBounds: [Double]
    @exclusivity(unchecked) private var scores: [Double]
    @exclusivity(unchecked) private var matched: [Bool]
    @exclusivity(unchecked) private var documentBounds: [Double]

    /// Nil unless every leaf is a two-phase phrase (`QueryWeight.disjunctiveLeaves` of a phrase-only query).
    init?(leaves: [any DocScorer], tree: ScoreSumTree) throws {
        var phrases: [PhraseScorer] = []
        for leaf in leaves {
            guard let phrase = leaf as? PhraseScorer, phrase.isTwoPhase else { return nil }
            phrases.append(phrase)
        }
        guard !phrases.isEmpty else { return nil }
        self.phrases = phrases
        self.tree = tree
        let bounds = try phrases.map { try $0.maxScore() }
        self.bounds = bounds
        byBound = phrases.indices.sorted { bounds[$0] < bounds[$1] }
        var sums = [0.0]
        for leaf in byBound { sums.append((sums.last ?? 0) + bounds[leaf]) }
        prefixBounds = sums
        scores = Array(repeating: 0, count: phrases.count)
        matched = Array(repeating: false, count: phrases.count)
        documentBounds = bounds
    }

    /// Offers every competitive document to `collector` and counts matches up to `totalHitsThreshold`.
    /// Returns false when the count it added is only a lower bound.
    func collect(into collector: inout TopKCollector, segment: Int, totalHitsThreshold: Int) throws -> Bool {
        var counting = collector.totalHits < totalHitsThreshold
        var exact = counting
        let count = phrases.count
        var essentialStart = 0
        var threshold = collector.threshold ?? -Double.infinity
        while true {
            var candidate = PostingsCursor.noMoreDocs
            for rank in essentialStart..<count { candidate = Swift.min(candidate, phrases[byBound[rank]].doc) }
            guard candidate != PostingsCursor.noMoreDocs else { return exact }
            if counting {
                try countAndCollect(candidate, into: &collector, segment: segment)
                if collector.totalHits >= totalHitsThreshold {
                    counting = false
                    exact = false
                }
            } else if threshold > -Double.infinity, let windowEnd = try skippableWindow(at: candidate, threshold) {
                guard windowEnd < PostingsCursor.noMoreDocs - 1 else { return exact }
                for rank in essentialStart..<count where phrases[byBound[rank]].doc <= windowEnd {
                    _ = try phrases[byBound[rank]].advance(to: windowEnd + 1)
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
            for rank in essentialStart..<count where phrases[byBound[rank]].doc == candidate {
                _ = try phrases[byBound[rank]].nextDoc()
            }
        }
    }

    /// Counting: every leaf on `candidate` is confirmed (a match must be counted, and scored for the heap).
    private func countAndCollect(_ candidate: UInt32, into collector: inout TopKCollector, segment: Int) throws {
        var anyMatch = false
        for leaf in phrases.indices where phrases[leaf].doc == candidate {
            guard try phrases[leaf].confirm() else { continue }
            scores[leaf] = try phrases[leaf].score()
            matched[leaf] = true
            anyMatch = true
        }
        guard anyMatch else { return }
        collector.collect(score: tree.sum(matched: matched, scores: scores), segment: segment, doc: candidate)
        for leaf in phrases.indices { matched[leaf] = false }
    }

    /// Block-max: when the leaves' bounds over the blocks holding `candidate` cannot beat θ, the last
    /// document of the window they cover (nothing in it can enter the top k); else nil.
    private func skippableWindow(at candidate: UInt32, _ threshold: Double) throws -> UInt32? {
        var blockUpper = 0.0
        var windowEnd = PostingsCursor.noMoreDocs - 1
        for phrase in phrases {
            // A leaf already past the candidate has nothing before its current document.
            if phrase.doc > candidate {
                windowEnd = Swift.min(windowEnd, phrase.doc - 1)
                continue
            }
            let part = try phrase.blockMax(at: candidate)
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
        for rank in essentialStart..<phrases.count {
            let leaf = byBound[rank]
            documentBounds[leaf] = phrases[leaf].doc == candidate ? try phrases[leaf].documentBound() : 0
            upper += documentBounds[leaf]
        }
        var rank = essentialStart - 1
        while rank >= 0 && upper * (1 + Self.slack) >= threshold {
            let leaf = byBound[rank]
            upper -= bounds[leaf]
            documentBounds[leaf] = try phrases[leaf].advance(to: candidate) == candidate
                ? try phrases[leaf].documentBound() : 0
            upper += documentBounds[leaf]
            rank -= 1
        }
        var anyMatch = false
        for rank in stride(from: phrases.count - 1, through: 0, by: -1) {
            let leaf = byBound[rank]
            guard upper * (1 + Self.slack) >= threshold else { break }
            guard phrases[leaf].doc == candidate else { continue }
            upper -= documentBounds[leaf]
            if try phrases[leaf].confirm() {
                scores[leaf] = try phrases[leaf].score()
                matched[leaf] = true
                anyMatch = true
                upper += scores[leaf]
            }
        }
        if anyMatch && upper * (1 + Self.slack) >= threshold {
            collector.offer(score: tree.sum(matched: matched, scores: scores), segment: segment, doc: candidate)
        }
        for leaf in phrases.indices { matched[leaf] = false }
    }
}
