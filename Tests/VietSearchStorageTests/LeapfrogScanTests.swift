import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The leapfrog's counting in-block scan (`PostingsCursor.firstSlot`) and `storedDoc(atLeast:)` built on it,
/// against plain linear searches: random ascending id blocks, every start slot and every goal between the
/// start's id and the block's last id, and lists whose last block is short after full ones (the stale ids
/// a short block leaves behind must not be counted).
final class LeapfrogScanTests: XCTestCase {
    /// A block of `length` ascending ids from `first`, gaps of 1 to `maxGap`, padded as a cursor's buffer is.
    private func paddedBlock(length: Int, first: UInt32, maxGap: Int, _ generator: inout SeededGenerator) -> [UInt32] {
        var ids: [UInt32] = [first]
        while ids.count < length { ids.append(ids[ids.count - 1] + 1 + UInt32(generator.next(below: maxGap))) }
        return ids + [UInt32](repeating: UInt32.max, count: PostingsCursor.scanPadding)
    }

    func testFirstSlotMatchesLinearSearchForEveryStartAndGoal() {
        var generator = SeededGenerator(seed: 14)
        // Dense (gaps 1–2), mixed and sparse blocks; full, odd-length and one-id blocks; ids near the top
        // of the range (an unsigned comparison read as signed would go wrong there).
        let shapes: [(length: Int, first: UInt32, maxGap: Int)] = [
            (128, 0, 2), (128, 5, 3), (128, 1_000, 40), (97, 7, 2), (5, 3, 9), (1, 11, 1), (3, 0, 1),
            (128, UInt32.max - 200, 1), (64, 0x8000_0000 - 40, 2),
        ]
        var checked = 0
        for shape in shapes {
            let ids = paddedBlock(length: shape.length, first: shape.first, maxGap: shape.maxGap, &generator)
            let last = ids[shape.length - 1]
            ids.withUnsafeBufferPointer { buffer in
                for from in 0..<shape.length {
                    var goal = from == 0 ? ids[0] : ids[from - 1] + 1
                    while goal <= last {
                        var expected = from
                        while ids[expected] < goal { expected += 1 }
                        XCTAssertEqual(PostingsCursor.firstSlot(in: buffer, from: from, notBelow: goal), expected,
                                       "length \(shape.length) from \(from) goal \(goal)")
                        checked += 1
                        goal += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 100_000)
    }

    /// Documents holding "a" at random, so the list is several full blocks and then a short one.
    private func segment(documentCount: Int, seed: UInt64) throws -> (SegmentReader, [UInt32]) {
        var generator = SeededGenerator(seed: seed)
        var documents: [[String]] = []
        var holders: [UInt32] = []
        for doc in 0..<documentCount {
            let holds = generator.next(below: 10) < 6
            if holds { holders.append(UInt32(doc)) }
            documents.append(holds ? ["a", "b"] : ["b"])
        }
        return (try bodyWordsSegment(documents), holders)
    }

    func testStoredDocMatchesModelAcrossFullAndShortBlocks() throws {
        for (seed, documentCount) in [(UInt64(1), 700), (2, 1_000), (3, 300)] {
            let (reader, holders) = try segment(documentCount: documentCount, seed: seed)
            XCTAssertNotEqual(holders.count % PostingsWriter.blockSize, 0, "the last block should be short")
            // From every held document, every goal up to the end: a fresh cursor walked to the start.
            for (start, startDoc) in holders.enumerated() where start % 7 == 0 {
                var goal = startDoc + 1
                while goal <= UInt32(documentCount) {
                    var cursor = try bodyWordCursor(reader, "a", deletions: nil)
                    XCTAssertEqual(try cursor.advance(to: startDoc), startDoc)
                    let expected = holders.first { $0 >= goal } ?? PostingsCursor.noMoreDocs
                    XCTAssertEqual(try cursor.storedDoc(atLeast: goal), expected, "seed \(seed) from \(startDoc) goal \(goal)")
                    goal += 1 + UInt32(goal % 3)
                }
            }
            // One cursor stepped through every document as the leapfrog does, across the short block.
            var cursor = try bodyWordCursor(reader, "a", deletions: nil)
            XCTAssertEqual(try cursor.advance(to: 0), holders[0])
            var seen: [UInt32] = [holders[0]]
            while true {
                let next = try cursor.storedDoc(atLeast: cursor.doc + 1)
                if next == PostingsCursor.noMoreDocs { break }
                seen.append(next)
            }
            XCTAssertEqual(seen, holders)
        }
    }
}
