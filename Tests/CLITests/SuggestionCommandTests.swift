import Foundation
import XCTest

/// `vietsearch search` with `.vietnamese` scoring: restoration output and the scoring flags.
final class SuggestionCommandTests: XCTestCase {
    func testJSONCarriesTheRestoredQuery() throws {
        let output = try CLIRunner.run(["search", SeedIndex.path, "--json", "xay dung dang"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let answer = try XCTUnwrap(try output.jsonLines().first)
        XCTAssertEqual(answer["suggestion"] as? String, "xây dựng đảng")
        // Typed with marks: nothing to suggest (JSON null).
        let accented = try XCTUnwrap(try CLIRunner.run(["search", SeedIndex.path, "--json", "đảng viên"]).jsonLines().first)
        XCTAssertTrue(accented["suggestion"] is NSNull, "\(accented)")
    }

    func testTextModeSaysDidYouMean() throws {
        let output = try CLIRunner.run(["search", SeedIndex.path, "dang vien"])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("Did you mean: đảng viên\n"), output.stdout)
        let quiet = try CLIRunner.run(["search", SeedIndex.path, "--no-suggest", "dang vien"])
        XCTAssertFalse(quiet.stdout.contains("Did you mean"), quiet.stdout)
    }

    func testScoringFlags() throws {
        let bm25 = try CLIRunner.run(["search", SeedIndex.path, "--json", "--explain", "--scoring", "bm25", "dang vien"])
        XCTAssertEqual(bm25.status, 0, bm25.stderr)
        let hit = try XCTUnwrap((try bm25.jsonLines().first?["hits"] as? [[String: Any]])?.first)
        let components = (hit["explanation"] as? [String: Any])?["components"] as? [[String: Any]] ?? []
        XCTAssertFalse(components.isEmpty)
        XCTAssertTrue(components.allSatisfy { ($0["key_kind"] as? String) == "folded" }, "\(components)")
        let bad = try CLIRunner.run(["search", SeedIndex.path, "--folded-weight", "1", "a"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--folded-weight"), bad.stderr)
    }
}
