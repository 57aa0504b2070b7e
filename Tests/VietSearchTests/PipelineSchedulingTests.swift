import XCTest
@testable import VietSearch
@testable import VietSearchStorage
import VietSearchTestSupport

/// Parallel indexing keeps a job queued beside the running ones (`IndexingMemoryPlan.jobsInFlight`),
/// taken by whichever worker ends first, so jobs finish in any order: the produced segments must still
/// hold every document once, in input order (the accounting: `MemoryAccountingTests`).
final class PipelineSchedulingTests: XCTestCase {
    /// Batches of very different cost (a few long documents among many short ones) so that a later job
    /// often ends before an earlier one.
    private func documents(count: Int, seed: UInt64) -> [Document] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { number in
            let words = random.next(below: 10) == 0 ? 400 + random.next(below: 800) : 5 + random.next(below: 40)
            let body = (0..<words).map { "từ\(($0 * 31 + number * 7) % (50 + number % 200))" }.joined(separator: " ")
            return Document(id: "d\(number)", title: "tin \(number)", body: body)
        }
    }

    func testEveryDocumentOnceInInputOrderWhateverOrderJobsEnd() throws {
        for threads in [2, 3] {
            for round in 0..<3 {
                let label = "\(threads) threads, round \(round)"
                let documents = documents(count: 600 + 53 * round, seed: UInt64(10 * threads + round))
                let budget = 1 << 20
                let pipeline = IndexingPipeline(plan: IndexingMemoryPlan(budget: budget, threads: threads))
                var produced: [IndexingPipeline.Produced] = []
                for document in documents { produced += try pipeline.add(document) }
                produced += try pipeline.finish()
                XCTAssertGreaterThan(pipeline.dispatchedJobs, 3 * threads, label)
                XCTAssertGreaterThan(produced.count, 1, "\(label): the budget must force several segments")
                let store = IndexStore.inMemory()
                var next = 0
                for segment in produced {
                    XCTAssertEqual(segment.ordinals.lowerBound, next, label)
                    next = segment.ordinals.upperBound
                    let reader = try store.openSegment(try store.writeSegment(segment.segment))
                    try reader.verify()
                    XCTAssertEqual(Int(reader.documentCount), segment.ordinals.count, label)
                    for doc in 0..<Int(reader.documentCount) {
                        let ordinal = segment.ordinals.lowerBound + doc
                        let fields = try reader.storedFields(doc: UInt32(doc))
                        XCTAssertEqual(fields.first { $0.name == "id" }?.value, documents[ordinal].id, "\(label), ordinal \(ordinal)")
                        XCTAssertEqual(fields.first { $0.name == "body" }?.value, documents[ordinal]["body"], "\(label), ordinal \(ordinal)")
                    }
                }
                XCTAssertEqual(next, documents.count, "\(label): every document produced once")
                print("pipeline scheduling: \(label): \(produced.count) segments, \(pipeline.dispatchedJobs) jobs)")
            }
        }
    }
}
