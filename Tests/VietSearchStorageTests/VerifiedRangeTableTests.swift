import XCTest
@testable import VietSearchStorage

/// The memo of verified checksum ranges: a range is found only with its exact start, length and
/// checksum, before and after the table grows, including ranges whose hashes collide.
final class VerifiedRangeTableTests: XCTestCase {
    func testFindsExactlyTheInsertedRangesAcrossGrowth() {
        var table = VerifiedRangeTable()
        // 1,000 ranges (the table starts at 64 slots, so it doubles several times), starts spread like
        // term offsets in a section.
        let inserted = (0..<1_000).map { VerifiedRange(start: 4_096 + $0 * 97, count: 64 + $0 % 300, checksum: UInt32($0 &* 2_654_435_761 & 0xFFFF_FFFF)) }
        for (number, range) in inserted.enumerated() {
            table.insert(range)
            XCTAssertTrue(table.contains(range), "range \(number) right after its insert")
        }
        for range in inserted {
            XCTAssertTrue(table.contains(range))
            XCTAssertFalse(table.contains(VerifiedRange(start: range.start, count: range.count + 1, checksum: range.checksum)))
            XCTAssertFalse(table.contains(VerifiedRange(start: range.start, count: range.count, checksum: range.checksum ^ 1)))
            XCTAssertFalse(table.contains(VerifiedRange(start: range.start + 1, count: range.count, checksum: range.checksum)))
        }
    }

    func testSameStartWithOtherLengthsAreDistinctEntries() {
        var table = VerifiedRangeTable()
        let first = VerifiedRange(start: 100, count: 80, checksum: 7)
        let second = VerifiedRange(start: 100, count: 90, checksum: 8)
        table.insert(first)
        XCTAssertFalse(table.contains(second))
        table.insert(second)
        table.insert(first)
        XCTAssertTrue(table.contains(first))
        XCTAssertTrue(table.contains(second))
        XCTAssertFalse(table.contains(VerifiedRange(start: 100, count: 80, checksum: 8)))
    }

    func testEmptyTableAndNegativeStart() {
        var table = VerifiedRangeTable()
        XCTAssertFalse(table.contains(VerifiedRange(start: 0, count: 64, checksum: 0)))
        // -1 marks empty slots; such a range is never remembered (and never produced by a cursor).
        table.insert(VerifiedRange(start: -1, count: 64, checksum: 0))
        XCTAssertFalse(table.contains(VerifiedRange(start: -1, count: 64, checksum: 0)))
    }
}
