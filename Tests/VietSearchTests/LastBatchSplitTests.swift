import XCTest
@testable import VietSearch

/// The last batch of a 2-thread run is cut so that both workers end together
/// (`IndexingPipeline.dispatchLastBatch`): the busy worker's part is half of what is left in all,
/// less its remaining work, and no cut is made for a tiny part.
final class LastBatchSplitTests: XCTestCase {
    func testTheBusyWorkersPartMakesBothEndTogether() {
        // 1,000 bytes left, the busy worker has 200 to go: 400 more for it, 600 for the free one (both
        // then build 600 bytes from now).
        XCTAssertEqual(IndexingPipeline.splitPoint(total: 1_000, busyRemaining: 200), 400)
        // Both free (or the pace unknown): halves.
        XCTAssertEqual(IndexingPipeline.splitPoint(total: 1_000, busyRemaining: 0), 500)
        XCTAssertEqual(IndexingPipeline.splitPoint(total: 999, busyRemaining: 0), 499)
    }

    func testNoCutWhenTheBusyWorkerHasAsMuchLeftOrTheCutWouldBeTiny() {
        XCTAssertEqual(IndexingPipeline.splitPoint(total: 1_000, busyRemaining: 1_000), 0)
        XCTAssertEqual(IndexingPipeline.splitPoint(total: 1_000, busyRemaining: 5_000), 0)
        // A part of 60 bytes (under a sixteenth of 1,000) is not worth a job.
        XCTAssertEqual(IndexingPipeline.splitPoint(total: 1_000, busyRemaining: 880), 0)
        // 70 bytes (over a sixteenth): cut.
        XCTAssertEqual(IndexingPipeline.splitPoint(total: 1_000, busyRemaining: 860), 70)
    }

    /// However the last batch is cut, the produced segments hold every document once, in input order.
    func testLastBatchPartsKeepInputOrder() throws {
        for round in 0..<4 {
            let pipeline = IndexingPipeline(plan: IndexingMemoryPlan(budget: 200 << 10, threads: 2))
            var produced: [IndexingPipeline.Produced] = []
            let count = 400 + 37 * round
            for number in 0..<count {
                let body = (0..<(20 + number % 13)).map { "từ\(($0 * 7 + number) % 97)" }.joined(separator: " ")
                produced += try pipeline.add(Document(id: "d\(number)", title: "tin \(number)", body: body))
            }
            produced += try pipeline.finish()
            XCTAssertGreaterThan(pipeline.dispatchedJobs, 2, "round \(round): parallel jobs")
            var next = 0
            for segment in produced {
                XCTAssertEqual(segment.ordinals.lowerBound, next, "round \(round)")
                next = segment.ordinals.upperBound
            }
            XCTAssertEqual(next, count, "round \(round)")
        }
    }
}
