/// How a disjunction's scorer tree adds up its leaves, so a flattened evaluation (`MaxScoreDisjunction`,
/// `ConjunctivePruner`) sums in exactly the same order and gets bit-identical scores: every node is a
/// `DisjunctionScorer` (SHOULD clauses, a key in several fields) that starts from 0 and adds, in clause
/// order, each child on the document. A node with one child adds to the same number as the child itself
/// (0 + x = x), so single-child wrappers (which the scorer tree omits) change nothing.
///
/// Stored flat (one array of children, ranges per node) so summing per document touches no nested arrays.
struct ScoreSumTree {
    enum Child {
        case leaf(Int)
        case node(Int)
    }

    /// Every node's children in clause order: a leaf index (>= 0) or `-1 - node index`.
    private var children: [Int] = []
    /// Node i's children are `children[starts[i]..<ends[i]]`.
    private var starts: [Int] = []
    private var ends: [Int] = []
    private(set) var root = 0
    /// Whether the root's children are all nodes of leaves alone (`a OR b` over title and body, the usual
    /// shape): summed by two plain loops instead of the recursion (set by `setRoot`).
    private var twoLevel = false
    /// The root with single-node chains below it skipped (a node whose one child is a node sums to that
    /// child's total, 0 + x = x: `a AND b`'s root over its required node), where the two loops start.
    private var summedRoot = 0
    /// For a two-level tree: the inner nodes' leaves in order, node after node, and where each node's
    /// leaves end in that list (the two loops read these flat arrays; walking `starts`/`ends`/`children`
    /// cost ~180 instructions a sum of four leaves, callgrind, session 8).
    private var innerLeaves: [Int] = []
    private var innerEnds: [Int] = []

    /// Nodes the arrays have room for from the first `addNode`.
    private static let reservedNodes = 8

    /// Adds a node (its inner nodes were added before it) and returns its index.
    mutating func addNode(_ nodeChildren: [Child]) -> Int {
        if starts.isEmpty {
            // Room for the usual trees (a few keys over two fields) at once: growing the three arrays one
            // append at a time reallocated them ~5 times a query (~1.7k instructions, or2, callgrind, s18).
            starts.reserveCapacity(Self.reservedNodes)
            ends.reserveCapacity(Self.reservedNodes)
            children.reserveCapacity(2 * Self.reservedNodes)
        }
        starts.append(children.count)
        for child in nodeChildren {
            switch child {
            case .leaf(let leaf): children.append(leaf)
            case .node(let node): children.append(-1 - node)
            }
        }
        ends.append(children.count)
        return starts.count - 1
    }

    mutating func setRoot(_ node: Int) {
        root = node
        var top = node
        while top < starts.count && ends[top] - starts[top] == 1 && children[starts[top]] < 0 {
            top = -1 - children[starts[top]]
        }
        summedRoot = top
        twoLevel = top < starts.count && children[starts[top]..<ends[top]].allSatisfy { child in
            child < 0 && children[starts[-1 - child]..<ends[-1 - child]].allSatisfy { $0 >= 0 }
        }
        innerLeaves = []
        innerEnds = []
        if twoLevel {
            innerLeaves.reserveCapacity(children.count)
            innerEnds.reserveCapacity(ends[top] - starts[top])
            for slot in starts[top]..<ends[top] {
                let node = -1 - children[slot]
                innerLeaves.append(contentsOf: children[starts[node]..<ends[node]])
                innerEnds.append(innerLeaves.count)
            }
        }
    }

    /// The number of leaves when the root is the only node and adds leaves 0, 1, … in order (a bare key
    /// in several fields), else nil: such a sum is a plain loop.
    var flatLeafCount: Int? {
        guard starts.count == 1, root == 0 else { return nil }
        for (position, child) in children.enumerated() where child != position { return nil }
        return children.count
    }

    /// The root's sum over the matched leaves.
    func sum(matched: [Bool], scores: [Double]) -> Double {
        matched.withUnsafeBufferPointer { matched in
            scores.withUnsafeBufferPointer { scores in sum(matched: matched, scores: scores) }
        }
    }

    /// The root's sum over the matched leaves, from buffers (pruning loops hold theirs as such).
    func sum(matched: UnsafeBufferPointer<Bool>, scores: UnsafeBufferPointer<Double>) -> Double {
        guard twoLevel else { return sum(node: root, matched: matched, scores: scores).total }
        // The recursion's additions in its order: each inner node from 0 over its matched leaves, added to
        // the root's total when any matched.
        return innerLeaves.withUnsafeBufferPointer { leaves in
            innerEnds.withUnsafeBufferPointer { ends in
                var total = 0.0
                var start = 0
                for end in ends {
                    var part = 0.0
                    var any = false
                    for slot in start..<end {
                        let leaf = leaves[slot]
                        if matched[leaf] {
                            part += scores[leaf]
                            any = true
                        }
                    }
                    if any { total += part }
                    start = end
                }
                return total
            }
        }
    }

    /// The root's sum over the leaves whose bit is set in `mask` (at most 64 leaves), leaf `l`'s score at
    /// `scores[l * stride]`: the same additions in the same order as `sum(matched:scores:)`, for a loop that
    /// keeps a window of documents' leaf scores side by side (`TermDisjunction`'s windows).
    func sum(mask: UInt64, scores: UnsafePointer<Double>, stride: Int) -> Double {
        guard twoLevel else { return sum(node: root, mask: mask, scores: scores, stride: stride).total }
        return innerLeaves.withUnsafeBufferPointer { leaves in
            innerEnds.withUnsafeBufferPointer { ends in
                var total = 0.0
                var start = 0
                for end in ends {
                    var part = 0.0
                    var any = false
                    for slot in start..<end {
                        let leaf = leaves[slot]
                        if mask & (1 &<< UInt64(leaf)) != 0 {
                            part += scores[leaf &* stride]
                            any = true
                        }
                    }
                    if any { total += part }
                    start = end
                }
                return total
            }
        }
    }

    private func sum(node: Int, mask: UInt64, scores: UnsafePointer<Double>, stride: Int) -> (total: Double, any: Bool) {
        var total = 0.0
        var any = false
        for slot in starts[node]..<ends[node] {
            let child = children[slot]
            if child >= 0 {
                if mask & (1 &<< UInt64(child)) != 0 {
                    total += scores[child &* stride]
                    any = true
                }
            } else {
                let part = sum(node: -1 - child, mask: mask, scores: scores, stride: stride)
                if part.any {
                    total += part.total
                    any = true
                }
            }
        }
        return (total, any)
    }

    private func sum(node: Int, matched: UnsafeBufferPointer<Bool>, scores: UnsafeBufferPointer<Double>) -> (total: Double, any: Bool) {
        var total = 0.0
        var any = false
        for slot in starts[node]..<ends[node] {
            let child = children[slot]
            if child >= 0 {
                if matched[child] {
                    total += scores[child]
                    any = true
                }
            } else {
                let part = sum(node: -1 - child, matched: matched, scores: scores)
                if part.any {
                    total += part.total
                    any = true
                }
            }
        }
        return (total, any)
    }
}
