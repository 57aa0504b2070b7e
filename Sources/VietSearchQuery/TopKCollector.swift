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

    /// The kept hits, best first: the heap sorted in place (heapsort: the worst kept hit, the root, moved
    /// to the end again and again). Entries are totally ordered (no two share a document), so this is the
    /// order any correct sort gives; the standard library's stable sort cost ~28k instructions for 100
    /// hits (callgrind, session 8), popping the heap ~22k (session 7).
    package func sortedHits() -> [Entry] {
        var sorted = heap
        sorted.withUnsafeMutableBufferPointer { buffer in
            var end = buffer.count
            while end > 1 {
                end &-= 1
                let worst = buffer[0]
                Self.refill(buffer, count: end, with: buffer[end])
                buffer[end] = worst
            }
        }
        return sorted
    }

    /// Puts `moving` into the heap `buffer[0..<count]` whose root was taken out (Floyd's variant: the hole
    /// goes down along the worse children to a leaf, one comparison a level, then `moving`, taken from the
    /// end and so usually among the best, goes back up the little it must).
    @inline(__always)
    private static func refill(_ buffer: UnsafeMutableBufferPointer<Entry>, count: Int, with moving: Entry) {
        var hole = 0
        while true {
            let left = 2 &* hole &+ 1
            guard left < count else { break }
            var worst = left
            let right = left &+ 1
            if right < count, isWorse(buffer[right], buffer[left]) { worst = right }
            buffer[hole] = buffer[worst]
            hole = worst
        }
        while hole > 0 {
            let parent = (hole &- 1) >> 1
            guard isWorse(moving, buffer[parent]) else { break }
            buffer[hole] = buffer[parent]
            hole = parent
        }
        buffer[hole] = moving
    }

    /// Moves the entry at `start` up to its place: the entries it passes move down one level each (a hole
    /// moves instead of swapping pairs), on the buffer without per-access bounds or uniqueness checks.
    private mutating func siftUp(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            let moving = heap[start]
            var child = start
            while child > 0 {
                let parent = (child &- 1) >> 1
                guard Self.isWorse(moving, heap[parent]) else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = moving
        }
    }

    /// Moves the entry at `start` down to its place (as `siftUp`, a hole instead of swaps).
    private mutating func siftDown(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            let moving = heap[start]
            var parent = start
            while true {
                let left = 2 &* parent &+ 1
                guard left < count else { break }
                var worst = left
                let right = left &+ 1
                if right < count, Self.isWorse(heap[right], heap[left]) { worst = right }
                guard Self.isWorse(heap[worst], moving) else { break }
                heap[parent] = heap[worst]
                parent = worst
            }
            heap[parent] = moving
        }
    }
}
