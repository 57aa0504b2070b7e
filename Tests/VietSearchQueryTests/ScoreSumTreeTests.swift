import XCTest
@testable import VietSearchQuery
import VietSearchTestSupport

/// `ScoreSumTree` sums must be bit-identical to the scorer tree's (each node from 0 over its matched
/// children in clause order): checked against a plain recursive evaluation written here, for the
/// two-level shape summed by loops (`a OR b` over title and body) and deeper or mixed shapes.
final class ScoreSumTreeTests: XCTestCase {
    private indirect enum Shape {
        case leaf(Int)
        case node([Shape])
    }

    /// The reference: the scorer tree's order of additions, and whether anything matched.
    private func reference(_ shape: Shape, matched: [Bool], scores: [Double]) -> (Double, Bool) {
        switch shape {
        case .leaf(let index):
            return (matched[index] ? scores[index] : 0, matched[index])
        case .node(let children):
            var total = 0.0
            var any = false
            for child in children {
                let (part, matchedAny) = reference(child, matched: matched, scores: scores)
                if matchedAny {
                    total += part
                    any = true
                }
            }
            return (total, any)
        }
    }

    private func build(_ shape: Shape, into tree: inout ScoreSumTree) -> ScoreSumTree.Child {
        switch shape {
        case .leaf(let index):
            return .leaf(index)
        case .node(let children):
            let built = children.map { build($0, into: &tree) }
            return .node(tree.addNode(built))
        }
    }

    private func check(_ shape: Shape, leaves: Int, seed: UInt64) {
        var tree = ScoreSumTree()
        guard case .node(let root) = build(shape, into: &tree) else { return XCTFail("root must be a node") }
        tree.setRoot(root)
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<500 {
            // Scores of very different magnitudes, so the order of additions shows in the last bits.
            let scores = (0..<leaves).map { _ in Double.random(in: 0..<1, using: &generator) * pow(10, Double(Int.random(in: -6...3, using: &generator))) }
            let matched = (0..<leaves).map { _ in Bool.random(using: &generator) }
            let expected = reference(shape, matched: matched, scores: scores).0
            XCTAssertEqual(tree.sum(matched: matched, scores: scores).bitPattern, expected.bitPattern)
        }
    }

    func testTwoLevelTreesSumInTheScorerTreesOrder() {
        // `a OR b` over title and body; three words with uneven fields.
        check(.node([.node([.leaf(0), .leaf(1)]), .node([.leaf(2), .leaf(3)])]), leaves: 4, seed: 1)
        check(.node([.node([.leaf(2), .leaf(0), .leaf(4)]), .node([.leaf(1)]), .node([.leaf(3), .leaf(5)])]), leaves: 6, seed: 2)
        // `a AND b`: the root over one required node over the two words' nodes (single-node chain skipped).
        check(.node([.node([.node([.leaf(0), .leaf(1)]), .node([.leaf(2), .leaf(3)])])]), leaves: 4, seed: 6)
    }

    func testOtherShapesSumInTheScorerTreesOrder() {
        // A flat node, a mixed root (a leaf beside nodes) and three levels: the recursive path.
        check(.node([.leaf(0), .leaf(1), .leaf(2)]), leaves: 3, seed: 3)
        check(.node([.leaf(0), .node([.leaf(1), .leaf(2)]), .leaf(3)]), leaves: 4, seed: 4)
        check(.node([.node([.node([.leaf(0), .leaf(1)]), .leaf(2)]), .node([.leaf(3), .leaf(4)])]), leaves: 5, seed: 5)
    }
}
