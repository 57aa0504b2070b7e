import VietSearchStorage

/// Score bounds of a scorer whose score is a sum of its subs' scores (conjunctions, disjunctions): a
/// document can at most match them all, so the bounds add up. The block bound is kept until the nearest
/// sub block ends, since a bound for `target...lastDoc` holds for any later target up to `lastDoc`.
struct SummedBounds {
    private var cachedBlock: (lastDoc: UInt32, bound: Double)?

    /// The subs' whole-list bounds summed.
    static func maxScore(of subs: [any DocScorer]) throws -> Double {
        var total = 0.0
        for sub in subs { total += try sub.maxScore() }
        return total
    }

    /// MaxScore's ordering of leaves with whole-list bounds `bounds`: leaf indices by ascending bound, and
    /// `prefixBounds[i]` = the bounds of `byBound[0..<i]` summed (so `prefixBounds[r]` bounds what the leaves
    /// ranked below `r`, the non-essential ones, can add to a document's score).
    static func ascendingOrder(of bounds: [Double]) -> (byBound: [Int], prefixBounds: [Double]) {
        var byBound: [Int] = []
        if bounds.count <= 16 {
            // A query's few leaves: a stable insertion sort into one reserved array gives `sorted`'s order
            // (equal bounds keep their index order) without its copies (~500 instructions, callgrind).
            byBound.reserveCapacity(bounds.count)
            for leaf in bounds.indices {
                var slot = byBound.count
                while slot > 0 && bounds[leaf] < bounds[byBound[slot - 1]] { slot -= 1 }
                byBound.insert(leaf, at: slot)
            }
        } else {
            byBound = bounds.indices.sorted { bounds[$0] < bounds[$1] }
        }
        // Reserved before the first element: an array literal allocated once more.
        var sums: [Double] = []
        sums.reserveCapacity(bounds.count + 1)
        sums.append(0)
        for leaf in byBound { sums.append((sums.last ?? 0) + bounds[leaf]) }
        return (byBound, sums)
    }

    /// The subs' block bounds at `target` summed, valid up to the nearest block end.
    mutating func blockMax(of subs: [any DocScorer], at target: UInt32) throws -> (lastDoc: UInt32, bound: Double) {
        if let cached = cachedBlock, target <= cached.lastDoc { return cached }
        var total = 0.0
        var last = PostingsCursor.noMoreDocs - 1
        for sub in subs {
            let part = try sub.blockMax(at: target)
            total += part.bound
            last = Swift.min(last, part.lastDoc)
        }
        cachedBlock = (last, total)
        return (last, total)
    }
}
