import XCTest
@testable import VietSearchQuery

/// MaxScore's leaf order (`SummedBounds.ascendingOrder`): leaves by ascending bound, equal bounds in index
/// order (what the stable `sorted` gave before the insertion sort for small counts), and the prefix sums.
final class SummedBoundsOrderTests: XCTestCase {
    func testOrderIsTheStableSortAndPrefixSumsAddUp() {
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for trial in 0..<3_000 {
            let count = trial % 24
            // Few distinct values, so ties are common.
            let bounds = (0..<count).map { _ in Double(next(5)) * 0.25 + (next(3) == 0 ? 1e-12 : 0) }
            let (byBound, prefix) = SummedBounds.ascendingOrder(of: bounds)
            let expected = Array(bounds.indices).enumerated()
                .sorted { (bounds[$0.element], $0.offset) < (bounds[$1.element], $1.offset) }.map(\.element)
            XCTAssertEqual(byBound, expected, "\(bounds)")
            XCTAssertEqual(prefix.count, count + 1)
            var sum = 0.0
            XCTAssertEqual(prefix.first, 0)
            for (rank, leaf) in byBound.enumerated() {
                sum += bounds[leaf]
                XCTAssertEqual(prefix[rank + 1].bitPattern, sum.bitPattern)
            }
        }
    }
}
