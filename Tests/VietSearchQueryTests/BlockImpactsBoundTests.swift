import XCTest
@testable import VietSearchQuery
import VietSearchStorage
import VietSearchTestSupport

/// A block's impacts (format 5) bound BM25 of every document of the block for any k1, b and avgdl, not
/// only the defaults the writer uses to coarsen a long frontier, and are never looser than format 4's
/// (max tf, min length) pair.
final class BlockImpactsBoundTests: XCTestCase {
    private func impacts(of block: [(UInt32, UInt32)], averageLength: Double) -> BlockImpacts {
        var frontier: [(UInt32, UInt32)] = []
        let frequencies = block.map(\.0), lengths = block.map(\.1)
        return frequencies.withUnsafeBufferPointer { tfs in
            lengths.withUnsafeBufferPointer { BlockImpacts.of(frequencies: tfs, lengths: $0, averageLength: averageLength, frontier: &frontier) }
        }
    }

    func testBoundIsAtLeastEveryDocumentsScoreForRandomParameters() {
        var generator = SeededGenerator(seed: 41)
        var tighter = 0
        for trial in 0..<3_000 {
            let count = Int.random(in: 1...128, using: &generator)
            let maxFrequency = UInt32.random(in: 1...(trial % 3 == 0 ? 200_000 : 12), using: &generator)
            let maxLength = UInt32.random(in: 1...(trial % 5 == 0 ? 300_000 : 400), using: &generator)
            let block = (0..<count).map { _ in
                (UInt32.random(in: 1...maxFrequency, using: &generator), UInt32.random(in: 0...maxLength, using: &generator))
            }
            let writtenAverage = Double.random(in: 1...500, using: &generator)
            // As a skip entry reads them back (16-bit, saturated) and as a ShortList holds them (exact).
            let exact = impacts(of: block, averageLength: writtenAverage)
            for stored in [exact, exact.saturated] {
                for _ in 0..<4 {
                    let bm25 = BM25(k1: Double.random(in: 0...3, using: &generator), b: Double.random(in: 0...1, using: &generator))
                    let avgdl = Bool.random(using: &generator) ? 0 : Double.random(in: 0.5...1_000, using: &generator)
                    let idf = Double.random(in: 0.01...12, using: &generator), boost = Double.random(in: 0.1...10, using: &generator)
                    let score = { (tf: UInt32, dl: UInt32) in bm25.score(boost: boost, idf: idf, tf: Double(tf), dl: Double(dl), avgdl: avgdl) }
                    let bound = stored.bound(score)
                    let best = block.map { score($0.0, $0.1) }.max() ?? 0
                    XCTAssertGreaterThanOrEqual(bound, best, "trial \(trial): \(stored) under \(bm25), avgdl \(avgdl)")
                    let loose = score(block.map(\.0).max() ?? 0, block.map(\.1).min() ?? 0)
                    // Saturation may loosen a skip entry's bound past the pair's; exact corners never are.
                    guard stored == exact else { continue }
                    XCTAssertLessThanOrEqual(bound, loose, "trial \(trial)")
                    if bound < loose * 0.999 { tighter += 1 }
                }
            }
        }
        // Random blocks with several frontier points: the two corners are often tighter than one.
        XCTAssertGreaterThan(tighter, 1_000)
    }

    func testSaturatedSkipEntryValuesStillBound() {
        // tf 70,000 is stored as 0xFFFF and read as "any tf"; length 100,000 as 65,535 (shorter, so higher).
        let stored = BlockImpacts(first: (70_000, 100_000)).saturated
        XCTAssertEqual(stored.first.termFrequency, UInt32.max)
        XCTAssertEqual(stored.first.fieldLength, 65_535)
        let bm25 = BM25()
        let real = bm25.score(boost: 1, idf: 2, tf: 70_000, dl: 100_000, avgdl: 50)
        XCTAssertGreaterThanOrEqual(stored.bound { bm25.score(boost: 1, idf: 2, tf: Double($0), dl: Double($1), avgdl: 50) }, real)
        XCTAssertTrue(stored.covers(termFrequency: 70_000, fieldLength: 100_000))
        XCTAssertEqual(BlockImpacts(first: (3, 9), second: (7, 20)).saturated, BlockImpacts(first: (3, 9), second: (7, 20)))
    }

    func testTwoPointFrontierIsExactAndLongerOneIsCoarsenedIntoCorners() {
        // (1, 5), (4, 30) and a dominated (2, 40): exact frontier of two points.
        XCTAssertEqual(impacts(of: [(1, 5), (4, 30), (2, 40)], averageLength: 20), BlockImpacts(first: (1, 5), second: (4, 30)))
        // One point dominates everything.
        XCTAssertEqual(impacts(of: [(3, 2), (1, 5), (2, 9)], averageLength: 20), BlockImpacts(first: (3, 2)))
        // Frontier (1, 10), (2, 20), (30, 900): merging the first two costs least at the defaults
        // (corner (2, 10)); merging the last two would give (30, 20), far above every document.
        XCTAssertEqual(impacts(of: [(2, 20), (30, 900), (1, 10)], averageLength: 100), BlockImpacts(first: (2, 10), second: (30, 900)))
    }
}
