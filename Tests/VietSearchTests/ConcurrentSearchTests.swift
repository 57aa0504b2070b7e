import Foundation
import Synchronization
import XCTest
@testable import VietSearch

final class ConcurrentSearchTests: FacadeTestCase {
    func testOneSearcherServesManyThreadsWhileAWriterCommits() throws {
        let index = Index.inMemory(configuration: IndexConfiguration(memoryBudget: 4_000))
        try self.index(RandomCorpus(seed: 3).documents(count: 80), into: index)
        let searcher = try index.searcher()
        let expected = try searcher.search("an binh", options: SearchOptions(limit: 20)).map(\.id)
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let writer = worker == 0 ? try? index.writer() : nil
            defer { writer?.close() }
            for round in 0..<20 {
                if let writer, round % 5 == 0 {
                    try? writer.add(Document(id: "new\(round)", title: "an binh", body: "an binh an"))
                    try? writer.commit()
                }
                let ids = (try? searcher.search("an binh", options: SearchOptions(limit: 20)).map(\.id)) ?? []
                if ids != expected { mismatches.withLock { $0 += 1 } }
            }
        }
        XCTAssertEqual(mismatches.withLock { $0 }, 0)
        XCTAssertEqual(try index.searcher().document(id: "new15")?["title"], "an binh")
    }
}
