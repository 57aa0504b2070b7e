import XCTest
@testable import VietSearch

/// `SearchOptions.totalHitsThreshold` through the facade: exact counts up to it, a flagged lower bound past
/// it, the same hits either way, and a clear error for a negative value.
final class TotalHitsThresholdTests: FacadeTestCase {
    private func searcher() throws -> Searcher {
        let index = Index.inMemory()
        // 300 documents with "đảng" in the body, every tenth also with "viên" right after it.
        let documents = (0..<300).map { number in
            Document(id: "d\(number)", title: "tin \(number)",
                     body: number % 10 == 0 ? "đảng viên công tác" : "đảng và công tác số \(number)")
        }
        try self.index(documents, into: index)
        return try index.searcher()
    }

    func testCountIsExactUpToTheThresholdAndFlaggedPastIt() throws {
        let searcher = try searcher()
        var options = SearchOptions(limit: 5)
        let exact = try searcher.search("đảng công", options: options)
        XCTAssertTrue(exact.totalHitsIsExact)
        XCTAssertEqual(exact.totalHits, 300)

        options.totalHitsThreshold = 20
        let bounded = try searcher.search("đảng công", options: options)
        XCTAssertFalse(bounded.totalHitsIsExact)
        XCTAssertTrue((20...300).contains(bounded.totalHits), "\(bounded.totalHits)")
        XCTAssertEqual(bounded.map(\.id), exact.map(\.id))
        XCTAssertEqual(bounded.map(\.score), exact.map(\.score))

        options.totalHitsThreshold = .max
        let everything = try searcher.search("đảng AND công", options: options)
        XCTAssertTrue(everything.totalHitsIsExact)
        XCTAssertEqual(everything.totalHits, 300)
    }

    func testNegativeThresholdIsRejected() throws {
        var options = SearchOptions()
        options.totalHitsThreshold = -1
        XCTAssertThrowsError(try searcher().search("đảng", options: options)) { error in
            guard case VietSearchError.invalidArgument(let message) = error else {
                return XCTFail("expected invalidArgument, got \(error)")
            }
            XCTAssertTrue(message.contains("totalHitsThreshold"), message)
        }
    }
}
