import XCTest
@testable import VietSearch
import VietSearchTestSupport

/// Random query strings through the whole engine: each either answers or throws `.queryParse`,
/// never crashes, and every answer is self-consistent (sorted, explained, within the limit).
final class QueryFuzzTests: FacadeTestCase {
    func testRandomQueriesNeverCrashAndStayConsistent() throws {
        let index = Index.inMemory(configuration: IndexConfiguration(memoryBudget: 3_000))
        try self.index([
            Document(id: "1", title: "Đảng viên", body: "Cấp ủy họp bàn công tác đảng viên mới tại TP.HCM."),
            Document(id: "2", title: "Thời tiết", body: "Mưa to, cấp uỷ phường trực chiến; U23 thắng 2-0."),
            Document(id: "3", title: "Dân số", body: "Dân cư đông đúc, dẫn đầu cả nước ngày 13/09/2022."),
            Document(id: "4", fields: [("body", "QS-QP và 23điểm, hoà hòa khoẻ khỏe")]),
        ], into: index)
        let searcher = try index.searcher()
        let pieces = ["dang", "đảng", "viên", "cap", "uỷ", "ủy", "TP.HCM", "23điểm", "hoà", "d", "u2", " ", " ", " ",
                      "(", ")", "\"", "~1", "*", "title:", "body:", "nofield:", "+", "-", "AND", "OR", "NOT", ".",
                      "e\u{0301}", "\u{200B}", "Ð"]
        var generator = SeededGenerator(seed: 1_234)
        var answered = 0
        for _ in 0..<1_500 {
            let query = (0..<Int.random(in: 0...9, using: &generator)).map { _ in
                pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }.joined()
            let limit = Int.random(in: 0...3, using: &generator)
            let mode: BooleanOperator = Bool.random(using: &generator) ? .and : .or
            do {
                let results = try searcher.search(query, options: SearchOptions(limit: limit, defaultOperator: mode,
                                                                                 explain: true))
                answered += 1
                XCTAssertLessThanOrEqual(results.count, limit, query)
                XCTAssertGreaterThanOrEqual(results.totalHits, results.count, query)
                XCTAssertLessThanOrEqual(results.totalHits, 4, query)
                XCTAssertEqual(results.map(\.score), results.map(\.score).sorted(by: >), query)
                for hit in results {
                    XCTAssertTrue(hit.score.isFinite && hit.score >= 0, query)
                    let sum = hit.explanation?.components.reduce(0) { $0 + $1.score } ?? -1
                    XCTAssertEqual(sum, hit.score, accuracy: 1e-9, query)
                }
            } catch VietSearchError.queryParse(let column, _) {
                XCTAssertGreaterThanOrEqual(column, 1, query)
                XCTAssertLessThanOrEqual(column, query.count + 1, query)
            }
        }
        XCTAssertGreaterThan(answered, 300)
    }
}
