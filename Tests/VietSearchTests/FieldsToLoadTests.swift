import XCTest
@testable import VietSearch

final class FieldsToLoadTests: FacadeTestCase {
    func testOnlyTheNamedFieldsAreReturned() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "a", fields: [("title", "Đảng viên"), ("body", "xây dựng đảng"), ("tag", "x")])],
                           into: index)
            var options = SearchOptions()
            options.fieldsToLoad = ["title", "tag"]
            let hit = try XCTUnwrap(index.searcher().search("đảng", options: options).first, store)
            XCTAssertEqual(hit.id, "a", store)
            XCTAssertEqual(hit.fields.map(\.name), ["title", "tag"], store)
            XCTAssertEqual(hit["title"], "Đảng viên", store)
            XCTAssertNil(hit["body"], store)

            options.fieldsToLoad = ["missing"]
            let bare = try XCTUnwrap(index.searcher().search("đảng", options: options).first, store)
            XCTAssertEqual(bare.id, "a", store)
            XCTAssertTrue(bare.fields.isEmpty, store)

            options.fieldsToLoad = nil
            let full = try XCTUnwrap(index.searcher().search("đảng", options: options).first, store)
            XCTAssertEqual(full.fields.map(\.name), ["title", "body", "tag"], store)
            XCTAssertEqual(full["body"], "xây dựng đảng", store)
        }
    }
}
