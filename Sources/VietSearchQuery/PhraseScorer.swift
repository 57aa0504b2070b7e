import VietSearchStorage

/// A phrase in one field of one segment. Candidates are documents having every key (a leapfrog
/// intersection led by the rarest key); positions are read only for them, and a candidate matches when the phrase frequency
/// — the number of start positions where the keys follow in order with total extra gap ≤ slop — is > 0.
final class PhraseScorer: DocScorer {
    /// One cursor per key, in phrase order, in memory this scorer owns: the per-candidate loops work on
    /// them in place, where an array property cost a uniqueness check (and a closure) per access.
    private let cursors: UnsafeMutablePointer<PostingsCursor>
    private let keyCount: Int
    private let reader: SegmentReader
    private let scoring: FieldScoring
    /// The field's lengths, read inline per scored document (`SegmentReader.fieldLength` is a call through
    /// the reader's column table per document; phrase queries score hundreds of matches each).
    private let lengths: FieldLengthColumn
    private let slop: Int
    @exclusivity(unchecked) private(set) var doc: UInt32
    @exclusivity(unchecked) private(set) var frequency = 0
    /// Cursor indices by ascending document frequency: the intersection leads with the rarest key.
    private let byRarity: UnsafeMutablePointer<Int>
    /// The loop `nextMatch` runs without slop, chosen once for these cursors (it was chosen on every match).
    private let exactJoin: PostingsCursor.ExactPhraseJoin
    /// One reused positions buffer per key: no allocation per candidate document.
    @exclusivity(unchecked) private var positions: [[UInt32]]
    let cost: UInt64
    private let frequencies: [Double]
    /// Two-phase mode (Lucene's TwoPhaseIterator): `doc` walks the documents having every key, and
    /// `confirm()` reads positions only when a caller still needs to know (`MaxScoreDisjunction`).
    let isTwoPhase: Bool
    /// Whether `frequency` is computed for `doc` (always so in one-phase mode).
    @exclusivity(unchecked) private var confirmed = true

    init(reader: SegmentReader, infos: [TermInfo], slop: Int, scoring: FieldScoring, twoPhase: Bool = false) throws {
        isTwoPhase = twoPhase
        self.reader = reader
        self.scoring = scoring
        lengths = reader.fieldLengthColumn(field: scoring.fieldNumber)
        self.slop = slop
        cost = UInt64(infos.map(\.documentFrequency).min() ?? 0)
        frequencies = infos.map { Double($0.documentFrequency) }
        var opened = try infos.map { try reader.postings($0) }
        for index in opened.indices { _ = try opened[index].nextDoc() }
        keyCount = opened.count
        cursors = .allocate(capacity: Swift.max(opened.count, 1))
        cursors.initialize(from: opened, count: opened.count)
        byRarity = .allocate(capacity: Swift.max(opened.count, 1))
        byRarity.initialize(from: infos.indices.sorted { infos[$0].documentFrequency < infos[$1].documentFrequency },
                            count: opened.count)
        positions = Array(repeating: [], count: infos.count)
        // The key whose blocks bound `blockMax`: the first with slop, the rarest (any key) without.
        blockMaxTable = keyCount == 0 ? nil : cursors[slop == 0 ? byRarity[0] : 0].skipTableView
        exactJoin = PostingsCursor.exactPhraseJoin(cursors, order: byRarity, count: keyCount)
        doc = 0
        doc = keyCount == 0 ? PostingsCursor.noMoreDocs : try matchFrom(0)
    }

    deinit {
        cursors.deinitialize(count: keyCount)
        cursors.deallocate()
        byRarity.deinitialize(count: keyCount)
        byRarity.deallocate()
        starts.deallocate()
        positionStamps.deallocate()
    }

    func nextDoc() throws -> UInt32 {
        guard doc != PostingsCursor.noMoreDocs else { return doc }
        doc = try matchFrom(doc + 1)
        return doc
    }

    func advance(to target: UInt32) throws -> UInt32 {
        if target > doc { doc = try matchFrom(target) }
        return doc
    }

    /// Moves to the next document where the phrase occurs, its frequency computed (`confirm()` is then
    /// true), skipping the candidates that do not hold it: for a caller that would confirm every candidate
    /// anyway (`PhrasePruner` while counting). Without slop the storage module loops over the candidates
    /// (`PostingsCursor.nextExactPhrase`), so the failing ones (most) cost no call into this scorer.
    func nextMatch() throws -> UInt32 {
        guard doc != PostingsCursor.noMoreDocs else { return doc }
        guard doc < PostingsCursor.noMoreDocs - 1 else {
            doc = PostingsCursor.noMoreDocs
            return doc
        }
        confirmed = true
        if slop == 0 {
            (doc, frequency) = try PostingsCursor.nextExactPhrase(cursors, order: byRarity, count: keyCount, join: exactJoin,
                                                                  atOrAfter: doc + 1, starts: &starts, capacity: &startsCapacity,
                                                                  stamps: positionStamps)
            return doc
        }
        var candidate = doc + 1
        while true {
            doc = try nextCommonDoc(atOrAfter: candidate)
            guard doc != PostingsCursor.noMoreDocs else { return doc }
            frequency = try phraseFrequency()
            if frequency > 0 { return doc }
            guard doc < PostingsCursor.noMoreDocs - 1 else {
                doc = PostingsCursor.noMoreDocs
                return doc
            }
            candidate = doc + 1
        }
    }

    /// Whether the phrase occurs in `doc` (two-phase mode; always true otherwise on a match).
    /// Documents having every key, as if independent (adjacency only lowers it).
    func estimatedMatches(documentCount: Double) -> Double {
        ConjunctionScorer.intersection(frequencies, documentCount: documentCount)
    }

    func confirm() throws -> Bool {
        if !confirmed {
            frequency = slop == 0 ? try exactPhraseFrequency() : try phraseFrequency()
            confirmed = true
        }
        return frequency > 0
    }

    /// A bound of `score()` on the current (unconfirmed) document from its keys' frequencies and its field
    /// length, which the cursors already hold: no positions are read. See `maxScore` for why it holds.
    func documentBound() throws -> Double {
        var frequencyBound = cursors[0].currentFrequency()
        if slop == 0 {
            for index in 1..<keyCount { frequencyBound = Swift.min(frequencyBound, cursors[index].currentFrequency()) }
        }
        let dl = try lengths.length(doc)
        return scoring.bm25.score(boost: scoring.boost, idf: scoring.idf, tf: Double(frequencyBound),
                                  dl: Double(dl), avgdl: scoring.avgdl)
    }

    /// A bound over `target...lastDoc` from one key's block: the phrase frequency is at most that key's tf
    /// (the first key's with slop, any key's without: the rarest is used) and the field length at least
    /// the block's smallest.
    func blockMax(at target: UInt32) throws -> (lastDoc: UInt32, bound: Double) {
        if target <= shallowLastDoc && shallowBlock >= 0 { return (shallowLastDoc, shallowBound) }
        guard let table = blockMaxTable else { return (PostingsCursor.noMoreDocs - 1, 0) }
        let blocks = table.blockCount
        var index = Swift.max(shallowBlock, 0)
        while index < blocks {
            let entry = try table.blockBounds(index)
            if entry.lastDoc >= target {
                shallowBlock = index
                shallowLastDoc = entry.lastDoc
                shallowBound = scoring.bm25.score(boost: scoring.boost, idf: scoring.idf, tf: Double(entry.maxFrequency),
                                                  dl: Double(entry.minFieldLength), avgdl: scoring.avgdl)
                return (shallowLastDoc, shallowBound)
            }
            index += 1
        }
        shallowBlock = blocks
        shallowLastDoc = PostingsCursor.noMoreDocs - 1
        shallowBound = 0
        return (shallowLastDoc, 0)
    }
    /// The skip table of `blockMax`'s key, kept beside the cursors: reading a block's bounds through
    /// `cursors[key]` copied the whole cursor (a retain and release of its references) on every call,
    /// once per candidate of the pruning phase (`PhrasePruner.skippableWindow`).
    private let blockMaxTable: PostingsSkipTable?
    @exclusivity(unchecked) private var shallowBlock = -1
    @exclusivity(unchecked) private var shallowLastDoc: UInt32 = 0
    @exclusivity(unchecked) private var shallowBound = 0.0

    /// Call `confirm()` first in two-phase mode.
    func score() throws -> Double {
        let dl = try lengths.length(doc)
        return scoring.bm25.score(boost: scoring.boost, idf: scoring.idf, tf: Double(frequency),
                                  dl: Double(dl), avgdl: scoring.avgdl)
    }

    /// A bound from the keys' block bounds: a document's phrase frequency is at most the first key's tf
    /// (with slop several starts may share later positions) and, without slop, at most every key's tf;
    /// its field length is at least every key's smallest field length. BM25 grows with tf, shrinks with dl.
    func maxScore() throws -> Double {
        if let cachedBound { return cachedBound }
        var frequencyBound = UInt32.max
        var lengthBound: UInt32 = 0
        for index in 0..<keyCount {
            // The skip table's direct loads: `forEachBlockBound` built a byte reader (a retain and release)
            // per block, on every key of every phrase scorer of every query.
            let table = cursors[index].skipTableView
            var maxFrequency: UInt32 = 0
            var minLength = UInt32.max
            for block in 0..<table.blockCount {
                let entry = try table.blockBounds(block)
                maxFrequency = Swift.max(maxFrequency, entry.maxFrequency)
                minLength = Swift.min(minLength, entry.minFieldLength)
            }
            if index == 0 || slop == 0 { frequencyBound = Swift.min(frequencyBound, maxFrequency) }
            if minLength != UInt32.max { lengthBound = Swift.max(lengthBound, minLength) }
        }
        let bound = frequencyBound == 0 || frequencyBound == UInt32.max ? 0
            : scoring.bm25.score(boost: scoring.boost, idf: scoring.idf, tf: Double(frequencyBound),
                                 dl: Double(lengthBound), avgdl: scoring.avgdl)
        cachedBound = bound
        return bound
    }
    private var cachedBound: Double?

    func explain(into components: inout [ScoreContribution]) throws {
        let dl = try lengths.length(doc)
        components.append(scoring.contribution(tf: Double(frequency), dl: Double(dl)))
    }

    /// The first document >= `target` where the phrase occurs.
    private func matchFrom(_ target: UInt32) throws -> UInt32 {
        var candidate = target
        if isTwoPhase {
            confirmed = false
            return try nextCommonDoc(atOrAfter: candidate)
        }
        while true {
            candidate = try nextCommonDoc(atOrAfter: candidate)
            if candidate == PostingsCursor.noMoreDocs { return candidate }
            frequency = try phraseFrequency()
            if frequency > 0 { return candidate }
            if candidate == PostingsCursor.noMoreDocs - 1 { return PostingsCursor.noMoreDocs }
            candidate += 1
        }
    }

    /// Leapfrog: the first doc >= `target` that every cursor has, rarest key first (in the storage module,
    /// where a step within a decoded block is a loop over its doc ids).
    @inline(__always)
    private func nextCommonDoc(atOrAfter target: UInt32) throws -> UInt32 {
        try PostingsCursor.nextCommonDoc(cursors, order: byRarity, count: keyCount, atOrAfter: target)
    }

    /// Counts start positions of the first key from which each next key can be found, in order,
    /// at the smallest position after the previous one, with total extra gap ≤ slop.
    private func phraseFrequency() throws -> Int {
        if slop == 0 { return try exactPhraseFrequency() }
        for index in 0..<keyCount { try cursors[index].positions(into: &positions[index]) }
        let extraGapBudget = Int64(slop) + Int64(keyCount - 1)
        var count = 0
        for start in positions[0] {
            var previous = start
            var found = true
            for next in 1..<positions.count {
                guard let position = Self.firstGreater(than: previous, in: positions[next]) else {
                    found = false
                    break
                }
                previous = position
            }
            if found, Int64(previous) - Int64(start) <= extraGapBudget { count += 1 }
        }
        return count
    }

    /// Without slop a start `s` counts when every key `i` occurs at `s + i`: the cursors' positions join
    /// (`PostingsCursor.exactPhraseFrequency`), which merges the keys' position values straight from their
    /// unpacked blocks, rarest key on the document first.
    @inline(__always)
    private func exactPhraseFrequency() throws -> Int {
        try PostingsCursor.exactPhraseFrequency(cursors, count: keyCount, starts: &starts, capacity: &startsCapacity,
                                                stamps: positionStamps)
    }
    /// Scratch memory of the join for phrases of three keys or more (raw memory the scorer owns, grown by
    /// the join, freed in `deinit`).
    @exclusivity(unchecked) private var starts = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
    @exclusivity(unchecked) private var startsCapacity = 64
    /// The joins' map of position stamps (`PostingsCursor.nextExactPhrase`), zeroed once.
    private let positionStamps: UnsafeMutablePointer<UInt8> = {
        let stamps = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingsCursor.phraseStampBytes)
        stamps.initialize(repeating: 0, count: PostingsCursor.phraseStampBytes)
        return stamps
    }()

    private static func firstGreater(than value: UInt32, in sorted: [UInt32]) -> UInt32? {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count ? sorted[low] : nil
    }
}
