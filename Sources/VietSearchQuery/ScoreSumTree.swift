/// How a disjunction's scorer tree adds up its leaves, so a flattened evaluation (`MaxScoreDisjunction`)
/// sums in exactly the same order and gets bit-identical scores: every node is a `DisjunctionScorer`
/// (SHOULD clauses, a key in several fields) that starts from 0 and adds, in clause order, each child on
/// the document. A node with one child adds to the same number as the child itself (0 + x = x), so
/// single-child wrappers (which the scorer tree omits) change nothing.
struct ScoreSumTree {
    enum Child {
        case leaf(Int)
        case node(Int)
    }

    /// `nodes[i]` = node i's children in clause order. The root is the node `root`.
    private(set) var nodes: [[Child]] = []
    private(set) var root = 0

    /// Adds a node and returns its index.
    mutating func addNode(_ children: [Child]) -> Int {
        nodes.append(children)
        return nodes.count - 1
    }

    mutating func setRoot(_ node: Int) {
        root = node
    }

    /// The root's sum over the matched leaves.
    func sum(matched: [Bool], scores: [Double]) -> Double {
        sum(node: root, matched: matched, scores: scores).total
    }

    private func sum(node: Int, matched: [Bool], scores: [Double]) -> (total: Double, any: Bool) {
        var total = 0.0
        var any = false
        for child in nodes[node] {
            switch child {
            case .leaf(let leaf):
                if matched[leaf] {
                    total += scores[leaf]
                    any = true
                }
            case .node(let inner):
                let part = sum(node: inner, matched: matched, scores: scores)
                if part.any {
                    total += part.total
                    any = true
                }
            }
        }
        return (total, any)
    }
}
