import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The joins' single-position paths (`PostingsCursor+PhraseStamps.swift`): when one key of a two-key step has
/// one position, a scan for its one target replaces the stamps. Checked against sets, on random lists whose
/// positions run past the stamp map's limit (the scan has none), with every phrase order of the two keys.
final class PhraseSinglePositionTests: XCTestCase {
    /// Position values (first position, then gap − 1) of ascending positions.
    private func values(_ positions: [UInt32]) -> [UInt32] {
        positions.enumerated().map { $0.offset == 0 ? $0.element : $0.element - positions[$0.offset - 1] - 1 }
    }

    /// Ascending distinct positions below `span`, `count` of them at most (at least one).
    private func positions(_ generator: inout SeededGenerator, count: Int, span: Int) -> [UInt32] {
        Array(Set((0..<Swift.max(count, 1)).map { _ in UInt32(generator.next(below: span)) })).sorted()
    }

    func testFindPositionAgainstASet() {
        var generator = SeededGenerator(seed: 0xf1d)
        for round in 0..<500 {
            let list = positions(&generator, count: 1 + generator.next(below: 20), span: round % 2 == 0 ? 40 : 6_000)
            let target = UInt64(generator.next(below: Int(list.last ?? 0) + 3))
            let found = values(list).withUnsafeBufferPointer {
                PostingsCursor.findPosition(target, in: ($0.baseAddress!, $0.count))
            }
            XCTAssertEqual(found.found, list.contains(UInt32(target)) ? 1 : 0, "round \(round): \(target) in \(list)")
            // The end is the first position ≥ the target, or the last one.
            XCTAssertEqual(found.end, UInt64(list.first { UInt64($0) >= target } ?? list.last!), "round \(round)")
        }
    }

    /// `adjacentPairsOfSingle`: nil unless a key has one position, else the count of `p` with `p + 1` in the
    /// other key's positions, past the stamps' limit too.
    func testAdjacentPairsOfSingleAgainstASet() {
        var generator = SeededGenerator(seed: 0x5e1)
        var answered = 0, paired = 0
        let edges: [([UInt32], [UInt32])] = [([0], [1]), ([5], [0]), ([3, 7], [0]), ([0], [0, 2]), ([6_000], [6_001, 6_002]),
                                              ([4_094, 6_000], [4_095])]
        for round in 0..<(800 + edges.count) {
            let span = round % 3 == 0 ? 6_000 : 30
            let single = generator.next(below: 3)
            let (first, second) = round < edges.count ? edges[round]
                : (positions(&generator, count: single == 0 ? 1 : 1 + generator.next(below: 12), span: span),
                   positions(&generator, count: single == 1 ? 1 : 1 + generator.next(below: 12), span: span))
            let secondSet = Set(second)
            let expected = first.filter { secondSet.contains($0 + 1) }.count
            let firstValues = values(first), secondValues = values(second)
            let joined = firstValues.withUnsafeBufferPointer { a in
                secondValues.withUnsafeBufferPointer { b in
                    PostingsCursor.adjacentPairsOfSingle((a.baseAddress!, a.count), (b.baseAddress!, b.count))
                }
            }
            guard first.count == 1 || second.count == 1 else {
                XCTAssertNil(joined, "round \(round)")
                continue
            }
            guard let joined else { return XCTFail("round \(round): no answer for \(first) / \(second)") }
            XCTAssertEqual(joined.pairs, expected, "round \(round): \(first) / \(second)")
            // The ends are positions of each key (the caller checks them against 2^32).
            XCTAssertTrue(first.contains(UInt32(joined.firstEnd)) && second.contains(UInt32(joined.secondEnd)), "round \(round)")
            answered += 1
            paired += expected
        }
        XCTAssertGreaterThan(answered, 400)
        XCTAssertGreaterThan(paired, 40)
    }

    /// `pairedPositionsByStamps` with either key single: the lead's starts `p` ≥ its index in the phrase with
    /// `p + offset` among the other key's positions, for every order of the two keys in a three-key phrase.
    func testPairedPositionsWithASingleKeyAgainstASet() {
        let map = UnsafeMutablePointer<UInt8>.allocate(capacity: PostingsCursor.phraseStampBytes)
        map.initialize(repeating: 0, count: PostingsCursor.phraseStampBytes)
        defer { map.deallocate() }
        let kept = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
        defer { kept.deallocate() }
        var generator = SeededGenerator(seed: 0x9a1)
        var answered = 0, found = 0, declined = 0
        for round in 0..<1_500 {
            let span = round % 3 == 0 ? 6_000 : 12
            let leadIndex = generator.next(below: 3)
            let filterIndex = (leadIndex + 1 + generator.next(below: 2)) % 3
            let single = generator.next(below: 2)
            let lead = positions(&generator, count: single == 0 ? 1 : 1 + generator.next(below: 12), span: span)
            let other = positions(&generator, count: single == 1 ? 1 : 1 + generator.next(below: 12), span: span)
            let otherSet = Set(other)
            let expected = lead.filter { Int($0) >= leadIndex && otherSet.contains(UInt32(Int($0) - leadIndex + filterIndex)) }
            let leadValues = values(lead), otherValues = values(other)
            let offset = UInt64(filterIndex) &- UInt64(leadIndex)
            let pair = leadValues.withUnsafeBufferPointer { a in
                otherValues.withUnsafeBufferPointer { b in
                    PostingsCursor.pairedPositionsByStamps((a.baseAddress!, a.count), leadOffset: UInt64(leadIndex),
                                                           (b.baseAddress!, b.count), offset: offset, into: kept, stamps: map)
                }
            }
            if pair.kept < 0 {
                // Declined (stamped past the limit): only when neither key is single.
                XCTAssertFalse(lead.count == 1 || other.count == 1, "round \(round)")
                declined += 1
                continue
            }
            XCTAssertEqual(Array(UnsafeBufferPointer(start: kept, count: pair.kept)), expected,
                           "round \(round): lead \(lead) at \(leadIndex), other \(other) at \(filterIndex)")
            answered += 1
            found += expected.count
        }
        XCTAssertGreaterThan(answered, 1_000)
        XCTAssertGreaterThan(found, 100)
        XCTAssertEqual(declined, 0)
    }
}
