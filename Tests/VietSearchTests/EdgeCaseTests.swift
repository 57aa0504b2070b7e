import Foundation
import XCTest
@testable import VietSearch

final class EdgeCaseTests: FacadeTestCase {
    func testAnIndexThatNeverCommittedIsEmptyButSearchable() throws {
        try forEachStore { index, store in
            let searcher = try index.searcher()
            XCTAssertEqual(searcher.documentCount, 0, store)
            XCTAssertEqual(searcher.generation, 0, store)
            XCTAssertEqual(try searcher.search("đảng viên").totalHits, 0, store)
            XCTAssertEqual(try searcher.search("dan* AND \"a b\"~2").totalHits, 0, store)
            XCTAssertNil(try searcher.document(id: "x"), store)
            XCTAssertEqual(try index.check().documents, 0, store)
            XCTAssertEqual(try index.statistics().documents, 0, store)
        }
    }

    func testQueriesAreCleanedLikeText() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "1", title: "Đảng viên", body: "")], into: index)
            for query in ["Ðảng", "ĐẢNG", "Đa\u{0309}ng", "đả\u{200B}ng", "\u{FEFF}đảng", "\"đảng\u{00A0}viên\""] {
                XCTAssertEqual(try self.ids(query, in: index), ["1"], "\(store) \(query.unicodeScalars.map { String($0.value, radix: 16) })")
            }
            // Marks typed on the wrong letter are another syllable: exact keys do not match (in `.vietnamese`
            // scoring the folded key still matches, for less: VietnameseRankingTests).
            var bm25 = SearchOptions(limit: 100)
            bm25.scoring = .bm25
            XCTAssertEqual(try self.ids("đàng", in: index, options: bm25), [], store)
        }
    }

    /// A field that only some segments have: avgdl still divides by every document of the index.
    func testFieldPresentInOnlySomeSegments() throws {
        try forEachStore(configuration: IndexConfiguration(memoryBudget: 1)) { index, store in
            try self.index([Document(id: "a", fields: [("body", "mot hai ba")]),
                            Document(id: "b", fields: [("body", "bon nam")])], into: index)
            try self.index([Document(id: "c", fields: [("tags", "mot mot hai")])], into: index)
            var options = SearchOptions()
            options.fields = [FieldBoost(field: "tags", boost: 1), FieldBoost(field: "body", boost: 1)]
            let results = try index.searcher().search("mot", options: options)
            // N = 3. tags: n = 1, avgdl = 3 / 3, doc c tf 2 dl 3. body: n = 1, avgdl = 5 / 3, doc a tf 1 dl 3.
            let idf = log(1 + (3 - 1 + 0.5) / (1 + 0.5))
            let tags = idf * 2 / (2 + 1.2 * (0.25 + 0.75 * 3 / 1))
            let body = idf * 1 / (1 + 1.2 * (0.25 + 0.75 * 3 / (5.0 / 3)))
            XCTAssertEqual(results.map(\.id), tags > body ? ["c", "a"] : ["a", "c"], store)
            XCTAssertEqual(results.first { $0.id == "c" }?.score ?? 0, tags, accuracy: 1e-12, store)
            XCTAssertEqual(results.first { $0.id == "a" }?.score ?? 0, body, accuracy: 1e-12, store)
            XCTAssertEqual(try index.searcher().search("tags:hai").map(\.id), ["c"], store)
        }
    }

    func testManyFieldsAndEmptyValues() throws {
        try forEachStore { index, store in
            let fields = (0..<40).map { (name: "f\($0)", value: $0 % 2 == 0 ? "" : "giá trị \($0)") }
            try self.index([Document(id: "wide", fields: fields)], into: index)
            XCTAssertEqual(try self.ids("f39:\"giá trị 39\"", in: index), ["wide"], store)
            XCTAssertEqual(try self.ids("f38:giá", in: index), [], store)
            let document = try XCTUnwrap(try index.searcher().document(id: "wide"))
            XCTAssertEqual(document.fields.map(\.name), fields.map(\.name), store)
            XCTAssertEqual(document["f0"], "", store)
        }
    }

    func testIdsAreOpaqueStrings() throws {
        try forEachStore { index, store in
            let odd = ["man/man1/[.1", "id with spaces", "Đảng-viên:1", "😀", String(repeating: "x", count: 2_000)]
            try self.index(odd.map { Document(id: $0, title: "chung", body: "") }, into: index)
            XCTAssertEqual(try self.ids("chung", in: index), odd, store)
            for id in odd { XCTAssertEqual(try index.searcher().document(id: id)?.id, id, store) }
            // `id:` matches the raw id, unanalysed.
            XCTAssertEqual(try self.ids("id:man/man1/[.1", in: index), ["man/man1/[.1"], store)
            XCTAssertEqual(try self.ids("id:\"id with spaces\"", in: index), ["id with spaces"], store)
            XCTAssertEqual(try self.ids("id:man*", in: index), ["man/man1/[.1"], store)
            XCTAssertEqual(try self.ids("id:Đảng-viên:1 OR id:😀", in: index), ["Đảng-viên:1", "😀"], store)
            XCTAssertEqual(try self.ids("id:man", in: index), [], store)
            XCTAssertEqual(try self.ids("chung -id:😀", in: index).count, odd.count - 1, store)
            let writer = try index.writer()
            defer { writer.close() }
            self.assertThrows(try writer.add(Document(id: "😀", title: "", body: "")),
                              .duplicateID(id: "😀", source: "document", line: 0))
        }
    }
}
