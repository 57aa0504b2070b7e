import XCTest
@testable import VietSearchStorage

/// `OccurrenceSort.groupByTerm`: what `SegmentBuffer` needs to append a document's occurrences when
/// positions ascend per term (each term's keys contiguous and in input order).
final class OccurrenceGroupingTests: XCTestCase {
    private func key(_ term: UInt64, _ position: UInt64) -> UInt64 { term << 32 | position }

    func testKeysOfATermEndUpContiguousInInputOrder() {
        var sorter = OccurrenceSort()
        var keys = [key(7, 0), key(2, 1), key(7, 2), key(0, 3), key(2, 4), key(7, 4), key(7, 9), key(0, 10)]
        sorter.groupByTerm(&keys, termCount: 8)
        // Terms in order of first occurrence: 7, 2, 0.
        XCTAssertEqual(keys, [key(7, 0), key(7, 2), key(7, 4), key(7, 9), key(2, 1), key(2, 4), key(0, 3), key(0, 10)])
    }

    func testGroupingIsTheSameAsASortOnTermsWithinEachTermAndForgetsTheLastDocument() {
        var sorter = OccurrenceSort()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // a fixed sequence (linear congruential)
        for round in 0..<20 {
            // Repeated positions (two keys of one token) and terms seen in earlier rounds only.
            let termCount = 50 + round * 10
            var input: [UInt64] = []
            for position in 0..<(round * 37 + 1) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let term = (state >> 33) % UInt64(termCount)
                input.append(key(term, UInt64(position)))
                if position % 5 == 0 { input.append(key(term, UInt64(position))) }
            }
            var grouped = input
            sorter.groupByTerm(&grouped, termCount: termCount)
            XCTAssertEqual(grouped.count, input.count)
            // Each term's keys are one run, in input order; the runs hold every key once.
            var seenTerms = Set<UInt64>()
            var index = 0
            while index < grouped.count {
                let term = grouped[index] >> 32
                XCTAssertTrue(seenTerms.insert(term).inserted, "term \(term) in two runs (round \(round))")
                var run: [UInt64] = []
                while index < grouped.count && grouped[index] >> 32 == term {
                    run.append(grouped[index])
                    index += 1
                }
                XCTAssertEqual(run, input.filter { $0 >> 32 == term }, "round \(round)")
            }
        }
    }
}
