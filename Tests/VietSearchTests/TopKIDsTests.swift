import XCTest
import VietSearchTestSupport
@testable import VietSearch

/// Ids-only answers read ids from the id column (skipping ids within a block, four at a time over runs
/// of one width); they must name the same documents, in the same order, as answers that decode the
/// stored documents, across several segments and deletes.
final class TopKIDsTests: FacadeTestCase {
    func testIdsOnlyAnswersMatchStoredDocumentsAcrossSegmentsAndDeletes() throws {
        var configuration = IndexConfiguration()
        configuration.mergePolicy = nil  // keep one segment per commit
        try forEachStore(configuration: configuration) { index, store in
            var generator = SeededGenerator(seed: 0x5EED)
            let words = ["đảng", "viên", "xây", "dựng", "nhà", "nước", "dân", "chủ"]
            var number = 0
            for _ in 0..<3 {
                let documents = (0..<300).map { _ -> Document in
                    number += 1
                    let text = (0..<6).map { _ in words[generator.next(below: words.count)] }.joined(separator: " ")
                    return Document(id: "doc-\(number)-" + String(repeating: "x", count: number % 200), fields: [("body", text)])
                }
                try self.index(documents, into: index)
            }
            let writer = try index.writer()
            for deleted in stride(from: 7, through: 900, by: 11) {
                XCTAssertTrue(try writer.delete(id: "doc-\(deleted)-" + String(repeating: "x", count: deleted % 200)), store)
            }
            try writer.commit()
            writer.close()
            XCTAssertEqual(try index.statistics().segments, 3, store)

            let searcher = try index.searcher()
            for query in ["đảng", "nhà OR dân", "xây dựng", "viên -chủ"] {
                for limit in [10, 100, 1000] {
                    var idsOnly = SearchOptions(limit: limit)
                    idsOnly.fieldsToLoad = ["id"]
                    var stored = SearchOptions(limit: limit)
                    stored.fieldsToLoad = ["body"]
                    let fast = try searcher.search(query, options: idsOnly)
                    let slow = try searcher.search(query, options: stored)
                    XCTAssertFalse(fast.hits.isEmpty, "\(store) \(query)")
                    XCTAssertEqual(fast.map(\.id), slow.map(\.id), "\(store) \(query) \(limit)")
                    XCTAssertEqual(fast.map(\.score), slow.map(\.score), "\(store) \(query) \(limit)")
                    let explained = try searcher.search(query, options: { var o = idsOnly; o.explain = true; return o }())
                    XCTAssertEqual(explained.map(\.id), fast.map(\.id), "\(store) \(query) \(limit)")
                }
            }
            // Hits come from every segment, and no deleted id is returned.
            let all = try searcher.search("đảng OR viên OR xây OR dựng OR nhà OR nước OR dân OR chủ",
                                          options: { var o = SearchOptions(limit: 1000); o.fieldsToLoad = ["id"]; return o }())
            let numbers = Set(all.compactMap { Int($0.id.split(separator: "-")[1]) })
            XCTAssertTrue(numbers.contains { $0 <= 300 } && numbers.contains { $0 > 600 }, store)
            XCTAssertFalse(numbers.contains { $0 % 11 == 7 }, store)
        }
    }
}
