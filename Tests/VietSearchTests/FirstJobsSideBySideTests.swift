import XCTest
@testable import VietSearch
@testable import VietSearchStorage
import VietSearchTestSupport

/// With 2 threads the first batch is built on a worker and the second beside it, before the first has
/// trained the stored-field dictionary (`StoredDictionaryHandOff`): each produced segment still holds
/// one dictionary, used by every block, and every document in input order.
final class FirstJobsSideBySideTests: XCTestCase {
    func testJobsStartedBeforeTheDecisionShareTheTrainedDictionary() throws {
        let words = ["Đảng", "viên", "cấp", "ủy", "xây", "dựng", "chỉnh", "đốn", "nâng", "cao", "chất", "lượng", "trong",
                     "tình", "hình", "mới", "đời", "sống", "chính", "quyền", "địa", "phương", "Hội", "nghị", "cán", "bộ"]
        var phraseGenerator = SeededGenerator(seed: 1_000)
        // Phrases shared across documents, like news text: a dictionary pays on them.
        let phrases = (0..<400).map { _ in
            (0..<5).map { _ in words[Int.random(in: 0..<words.count, using: &phraseGenerator)] }.joined(separator: " ")
        }
        for round in 0..<2 {
            var generator = SeededGenerator(seed: UInt64(round))
            // 32 MiB: quarter batches of ~240 kB, enough to train a dictionary (128 KiB at least).
            let pipeline = IndexingPipeline(plan: IndexingMemoryPlan(budget: 32 << 20, threads: 2))
            var produced: [IndexingPipeline.Produced] = []
            var bodies: [String] = []
            for number in 0..<(900 + 50 * round) {
                let body = (0..<Int.random(in: 40...120, using: &generator)).map { _ in
                    phrases[Int.random(in: 0..<phrases.count, using: &generator)]
                }.joined(separator: ", ")
                bodies.append(body)
                produced += try pipeline.add(Document(id: "d\(number)", title: "tin \(number)", body: body))
            }
            produced += try pipeline.finish()
            XCTAssertGreaterThan(pipeline.dispatchedJobs, 3, "round \(round)")
            let store = IndexStore.inMemory()
            for segment in produced {
                let reader = try store.openSegment(try store.writeSegment(segment.segment))
                try reader.verify()
                XCTAssertEqual(reader.stored.dictionaries.entries.count, 1, "round \(round): one dictionary")
                for block in 0..<reader.stored.blockCount {
                    XCTAssertEqual(try reader.stored.entry(block).dictionary, 1, "round \(round), block \(block)")
                }
                for doc in [0, Int(reader.documentCount) - 1] {
                    let ordinal = segment.ordinals.lowerBound + doc
                    let fields = try reader.storedFields(doc: UInt32(doc))
                    XCTAssertEqual(fields.first { $0.name == "body" }?.value, bodies[ordinal], "round \(round), doc \(ordinal)")
                }
            }
            XCTAssertEqual(produced.last?.ordinals.upperBound, bodies.count)
        }
    }
}
