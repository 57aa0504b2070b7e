import VietSearchStorage

/// The bare-key shapes of `TermDisjunction`: a key in one field, or in two fields one of which is sparse
/// (its title list beside its body list, the shape of every one-word query). Both avoid the general
/// MaxScore loop, whose per-candidate bookkeeping (the minimum over leaves, block bounds of every leaf,
/// matched flags) cost more than scoring a document.
extension TermDisjunction {
    /// For two leaves one of which is sparse (a bare key: its title list beside its body list), their
    /// indices; nil for other shapes.
    func sparsePair() -> (sparse: Int, dense: Int)? {
        guard leaves.count == 2 else { return nil }
        let (sparse, dense) = costs[0] <= costs[1] ? (0, 1) : (1, 0)
        return costs[sparse] * Self.seedFraction <= costs[dense] ? (sparse, dense) : nil
    }

    /// Offers the documents of `leaf` not marked in `offered` (empty: none is), each scored by that leaf
    /// alone, skipping the blocks whose bound cannot beat θ. Exact for a document no other leaf matches: a
    /// scorer tree node adds its matched children to 0, and 0 + x = x.
    static func walk(_ leaf: inout TermLeaf, skipping offered: [UInt64], into collector: inout TopKCollector,
                     segment: Int) throws {
        let noMoreDocs = PostingsCursor.noMoreDocs
        var threshold = collector.threshold ?? -Double.infinity
        try offered.withUnsafeBufferPointer { offered in
            while leaf.doc != noMoreDocs {
                let doc = leaf.doc
                if threshold > -Double.infinity {
                    let block = try leaf.blockMax(at: doc)
                    if block.bound * (1 + slack) < threshold {
                        guard block.lastDoc < noMoreDocs - 1 else { return }
                        _ = try leaf.advance(to: block.lastDoc + 1)
                        continue
                    }
                }
                if offered.isEmpty || offered[Int(doc >> 6)] & (1 << UInt64(doc & 63)) == 0 {
                    let score = try leaf.score()
                    // A score equal to θ may still win its tie (an earlier document): the collector decides.
                    if score >= threshold {
                        collector.offer(score: score, segment: segment, doc: doc)
                        threshold = collector.threshold ?? -Double.infinity
                    }
                }
                _ = try leaf.nextDoc()
            }
        }
    }

    /// When the union must be counted: every document of the sparse leaf is scored exactly (the dense list
    /// advanced to it, decoding only the blocks holding one, as counting does anyway) and offered, which
    /// counts the documents the dense list lacks and fills the top k with the likeliest hits; then the
    /// dense list is walked alone, skipping those. Returns whether the count added is exact (always).
    /// With `counting` false (the matches were counted up front) it adds nothing to the count.
    func scorePairThenDense(sparse: Int, dense: Int, into collector: inout TopKCollector, segment: Int,
                            counting: Bool = true) throws -> Bool {
        var offered = [UInt64](filled: 0, count: (Int(documentCount) + 63) / 64)
        var scores = [0.0, 0.0]
        var matched = [true, true]
        var union = Int(costs[dense])
        var lookup = try restartedLeaf(dense)
        try leaves.withUnsafeMutableBufferPointer { leaf in
            try scores.withUnsafeMutableBufferPointer { scores in
                try matched.withUnsafeMutableBufferPointer { matched in
                    while leaf[sparse].doc != PostingsCursor.noMoreDocs {
                        let doc = leaf[sparse].doc
                        scores[sparse] = try leaf[sparse].score()
                        matched[dense] = try lookup.advance(to: doc) == doc
                        if matched[dense] { scores[dense] = try lookup.score() } else { union += 1 }
                        collector.offer(score: exactScore(matched: matched, scores: scores), segment: segment, doc: doc)
                        offered[Int(doc >> 6)] |= 1 << UInt64(doc & 63)
                        _ = try leaf[sparse].nextDoc()
                    }
                }
            }
            if counting { collector.addToTotal(union) }
            try Self.walk(&leaf[dense], skipping: offered, into: &collector, segment: segment)
        }
        return true
    }

    /// When no count is needed (done by `countUpFront`): the sparse leaf is scored alone, once, keeping its
    /// documents and scores; the k-th best of those scores is a lower bound of the final θ (`initialThreshold`).
    /// When the dense leaf's whole-list bound cannot reach it, no document outside the sparse list can
    /// make the top k, so only the kept documents are offered, the dense list advanced to those that may
    /// still compete with its block bound; returns nil (done). Otherwise returns that θ for the general
    /// loop, the sparse leaf back on its first document. With fewer sparse documents than k there is no
    /// seed: `scorePairThenDense` without counting, nil (done).
    func scoreSparseFirst(sparse: Int, dense: Int, into collector: inout TopKCollector, segment: Int) throws -> Double? {
        let limit = collector.limit
        guard limit > 0 else { return -Double.infinity }
        guard costs[sparse] >= UInt64(limit) else {
            // Fewer sparse documents than k (top-100), so no seed: every one is offered with its exact
            // score and the dense list walked alone, as when counting, instead of the general loop with
            // both leaves essential until k documents are kept.
            _ = try scorePairThenDense(sparse: sparse, dense: dense, into: &collector, segment: segment, counting: false)
            return nil
        }
        let count = Int(costs[sparse])
        var docs = [UInt32](filled: 0, count: count)
        var sparseScores = [Double](filled: 0, count: count)
        var scores = [0.0, 0.0]
        var matched = [false, false]
        let denseBound = bounds[dense]
        return try leaves.withUnsafeMutableBufferPointer { leaf -> Double? in
            var top = TopKCollector(limit: limit)
            var kept = 0
            while leaf[sparse].doc != PostingsCursor.noMoreDocs && kept < count {
                let doc = leaf[sparse].doc
                let score = try leaf[sparse].score()
                docs[kept] = doc
                sparseScores[kept] = score
                kept += 1
                top.collect(score: score, segment: 0, doc: doc)
                _ = try leaf[sparse].nextDoc()
            }
            let seed = top.threshold ?? -Double.infinity
            var threshold = Swift.max(collector.threshold ?? -Double.infinity, seed)
            guard denseBound * (1 + Self.slack) < threshold else {
                leaf[sparse] = try leaf[sparse].restarted()
                return seed
            }
            try scores.withUnsafeMutableBufferPointer { scores in
                try matched.withUnsafeMutableBufferPointer { matched in
                    matched[sparse] = true
                    for slot in 0..<kept {
                        let doc = docs[slot]
                        let sparseScore = sparseScores[slot]
                        // The dense list is decoded only where its block bound lets the document compete.
                        let block = try leaf[dense].blockMax(at: doc)
                        if (sparseScore + block.bound) * (1 + Self.slack) < threshold { continue }
                        if (sparseScore + (try leaf[dense].documentBound(at: doc))) * (1 + Self.slack) < threshold { continue }
                        scores[sparse] = sparseScore
                        matched[dense] = try leaf[dense].advance(to: doc) == doc
                        if matched[dense] { scores[dense] = try leaf[dense].score() }
                        collector.offer(score: exactScore(matched: matched, scores: scores), segment: segment, doc: doc)
                        if let current = collector.threshold { threshold = Swift.max(threshold, current) }
                    }
                }
            }
            return nil
        }
    }
}
