import VietSearchStorage

/// Documents matched by at least one sub-scorer (SHOULD clauses, a key in several fields, a prefix's
/// expansions). The score sums the subs on the document in clause order, so every segment and the
/// explanation add the same numbers in the same order.
///
/// For many subs (`DisjunctionScorer` handles a few): they sit in a binary min-heap by current doc
/// (Lucene's DisjunctionDISIApproximation), so a move costs O(log n) per sub that moves instead of a
/// scan of all n subs: a prefix can expand to hundreds of keys.
final class WideDisjunctionScorer: DocScorer {
    private let subs: [any DocScorer]
    /// Indices into `subs`, heap-ordered by `subs[i].doc`.
    @exclusivity(unchecked) private var heap: [Int]
    /// Reused buffer of the subs on the current doc, in clause order.
    @exclusivity(unchecked) private var matching: [Int] = []
    @exclusivity(unchecked) private var matchingDoc = PostingsCursor.noMoreDocs
    /// Reused work list for walking the heap.
    @exclusivity(unchecked) private var stack: [Int] = []
    /// Unchecked exclusivity on the hot state: see TermScorer.
    @exclusivity(unchecked) private(set) var doc: UInt32
    let cost: UInt64

    /// `subs` must be non-empty and already positioned.
    init(_ subs: [any DocScorer]) {
        self.subs = subs
        cost = subs.reduce(0) { $0 &+ $1.cost }
        heap = Array(subs.indices)
        doc = PostingsCursor.noMoreDocs
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
        doc = heap.isEmpty ? PostingsCursor.noMoreDocs : subs[heap[0]].doc
        matching.reserveCapacity(min(subs.count, 64))
    }

    func nextDoc() throws -> UInt32 {
        guard doc != PostingsCursor.noMoreDocs else { return doc }
        let current = doc
        while subs[heap[0]].doc == current {
            _ = try subs[heap[0]].nextDoc()
            siftDown(0)
        }
        doc = subs[heap[0]].doc
        return doc
    }

    func advance(to target: UInt32) throws -> UInt32 {
        guard target > doc else { return doc }
        while subs[heap[0]].doc < target {
            _ = try subs[heap[0]].advance(to: target)
            siftDown(0)
        }
        doc = subs[heap[0]].doc
        return doc
    }

    func score() throws -> Double {
        collectMatching()
        var total = 0.0
        for index in matching { total += try subs[index].score() }
        return total
    }

    func maxScore() throws -> Double { try SummedBounds.maxScore(of: subs) }

    func blockMax(at target: UInt32) throws -> (lastDoc: UInt32, bound: Double) {
        try bounds.blockMax(of: subs, at: target)
    }
    @exclusivity(unchecked) private var bounds = SummedBounds()

    func explain(into components: inout [ScoreContribution]) throws {
        collectMatching()
        for index in matching { try subs[index].explain(into: &components) }
    }

    /// The subs on `doc`: they form a subtree at the heap's root (a parent is never after its children).
    private func collectMatching() {
        guard matchingDoc != doc else { return }
        matchingDoc = doc
        matching.removeAll(keepingCapacity: true)
        guard doc != PostingsCursor.noMoreDocs else { return }
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        while let node = stack.popLast() {
            guard node < heap.count, subs[heap[node]].doc == doc else { continue }
            matching.append(heap[node])
            stack.append(2 * node + 1)
            stack.append(2 * node + 2)
        }
        if matching.count > 1 { matching.sort() }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var smallest = left
            let right = left + 1
            if right < count, subs[heap[right]].doc < subs[heap[left]].doc { smallest = right }
            guard subs[heap[smallest]].doc < subs[heap[parent]].doc else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
