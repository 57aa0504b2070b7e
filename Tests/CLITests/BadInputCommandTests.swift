import Foundation
import VietSearch
import XCTest

/// Bad `.jsonl` input the other CLI tests do not cover: a non-string id, broken JSON and binary junk stop
/// the run naming file and line with nothing of the run committed; an unknown member is a field.
final class BadInputCommandTests: XCTestCase {
    private var index = ""

    override func setUpWithError() throws {
        index = CLIRunner.temporaryPath("bad-input")
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.fixture("news.jsonl")]).status, 0)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: index)
    }

    private func liveDocuments() throws -> Int {
        try Index.open(at: index, createIfMissing: false).searcher().documentCount
    }

    func testMalformedLinesCommitNothing() throws {
        let before = try liveDocuments()
        let cases = [("id-not-string.jsonl", "id-not-string.jsonl:1:"), ("broken-json.jsonl", "broken-json.jsonl:2:"),
                     ("binary-junk.jsonl", "binary-junk.jsonl:1:")]
        for (file, location) in cases {
            let output = try CLIRunner.run(["index", index, CLIRunner.fixture("unknown-field.jsonl"), CLIRunner.fixture(file)])
            XCTAssertEqual(output.status, 1, file)
            XCTAssertTrue(output.stderr.hasPrefix("error: ") && output.stderr.contains(location), "\(file): \(output.stderr)")
            XCTAssertEqual(try liveDocuments(), before, "\(file): nothing of the failed run is committed")
            XCTAssertNoThrow(try Index.open(at: index, createIfMissing: false).check())
        }
    }

    func testUnknownMembersAreIndexedFields() throws {
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.fixture("unknown-field.jsonl")]).status, 0)
        let searcher = try Index.open(at: index, createIfMissing: false).searcher()
        XCTAssertEqual(try searcher.document(id: "extra-1")?["tác giả"], "Nguyễn Văn A")
        XCTAssertEqual(try searcher.search("source:đảng").map(\.id), ["extra-1"])
    }
}
