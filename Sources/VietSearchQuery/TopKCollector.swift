/// Keeps the `limit` best (score, document) pairs seen, in a bounded binary min-heap whose root is
/// the worst kept hit. Ties in score go to the earlier document in global order (segment, then doc).
/// Counts every collected document for `totalHits`.
package struct TopKCollector {
    package struct Entry: Equatable, Sendable {
        package var score: Double
        /// Global document order: segment index in the high 32 bits, local doc id in the low 32.
        package var order: UInt64

        package var segment: Int { Int(order >> 32) }
        package var doc: UInt32 { UInt32(truncatingIfNeeded: order) }
    }

    package let limit: Int
    package private(set) var totalHits = 0
    private var heap: [Entry] = []

    package init(limit: Int) {
        self.limit = max(0, limit)
        heap.reserveCapacity(min(self.limit, 4_096))
    }

    /// True when `a` ranks below `b`.
    @inline(__always)
    private static func isWorse(_ a: Entry, _ b: Entry) -> Bool {
        a.score < b.score || (a.score == b.score && a.order > b.order)
    }

    @inline(__always)
    package mutating func collect(score: Double, segment: Int, doc: UInt32) {
        totalHits += 1
        let entry = Entry(score: score, order: UInt64(segment) << 32 | UInt64(doc))
        if heap.count < limit {
            heap.append(entry)
            siftUp(heap.count - 1)
        } else if let worst = heap.first, Self.isWorse(worst, entry) {
            heap[0] = entry
            siftDown(0)
        }
    }

    /// Offers a hit without counting it (the caller counts matches itself, e.g. when pruning skips some).
    @inline(__always)
    package mutating func offer(score: Double, segment: Int, doc: UInt32) {
        collect(score: score, segment: segment, doc: doc)
        totalHits -= 1
    }

    /// Adds `count` matches found without collecting them one by one.
    package mutating func addToTotal(_ count: Int) {
        totalHits += count
    }

    /// The score a new hit must beat to be kept, once the heap is full (nil before): the worst kept score.
    /// A hit scoring exactly this loses too, as it comes later in document order.
    package var threshold: Double? {
        heap.count == limit && limit > 0 ? heap.first?.score : nil
    }

    /// Counts a matching document without scoring it (for a limit of 0).
    package mutating func count() {
        totalHits += 1
    }

    /// The kept hits, best first: popped off a copy of the heap, worst first, into the back of the result
    /// (k log k comparisons without the general sort's buffers; entries are totally ordered).
    package func sortedHits() -> [Entry] {
        var remaining = TopKCollector(copying: heap, limit: limit)
        var result = heap
        var slot = result.count
        while let worst = remaining.popWorst() {
            slot -= 1
            result[slot] = worst
        }
        return result
    }

    private init(copying heap: [Entry], limit: Int) {
        self.limit = limit
        self.heap = heap
    }

    /// Removes and returns the worst kept hit (the root).
    private mutating func popWorst() -> Entry? {
        guard let worst = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return worst
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isWorse(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var worst = left
            let right = left + 1
            if right < heap.count, Self.isWorse(heap[right], heap[left]) { worst = right }
            guard Self.isWorse(heap[worst], heap[parent]) else { return }
            heap.swapAt(worst, parent)
            parent = worst
        }
    }
}
