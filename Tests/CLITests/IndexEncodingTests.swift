import Foundation
import XCTest

/// `vietsearch index --encoding`: legacy files are decoded before parsing, `auto` reports its choice per
/// file, the decoded text is what gets indexed and stored, and undecodable bytes name file and offset.
final class IndexEncodingTests: TemporaryPathsTestCase {
    private func fixture(_ name: String) -> String {
        CLIRunner.packageRoot.appendingPathComponent("Fixtures/encodings").appendingPathComponent(name).path
    }

    private func searchIDs(_ index: String, _ query: String) throws -> [String] {
        let output = try CLIRunner.run(["search", index, query, "--json"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let answer = try XCTUnwrap(output.jsonLines().first)
        return (answer["hits"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    func testAutoDecodesTCVN3AndVNIAndReportsTheChoice() throws {
        let index = newIndexPath()
        let output = try CLIRunner.run(["index", index, fixture("docs.tcvn3.jsonl"), fixture("news.vni.txt"),
                                        "--encoding", "auto", "--json"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let summary = try XCTUnwrap(output.jsonLines().first)
        XCTAssertEqual(summary["docs"] as? Int, 3)
        let encodings = try XCTUnwrap(summary["encodings"] as? [String: String])
        XCTAssertEqual(encodings[fixture("docs.tcvn3.jsonl")], "tcvn3")
        XCTAssertEqual(encodings[fixture("news.vni.txt")], "vni")
        XCTAssertTrue(output.stderr.contains("docs.tcvn3.jsonl: tcvn3"), output.stderr)
        XCTAssertTrue(output.stderr.contains("news.vni.txt: vni"), output.stderr)

        XCTAssertEqual(try searchIDs(index, "\"xây dựng đảng\""), ["tcvn-1"])
        XCTAssertEqual(try searchIDs(index, "cửu long"), ["tcvn-2"])
        XCTAssertEqual(try searchIDs(index, "\"khai báo y tế\""), ["news.vni"])
        XCTAssertEqual(Set(try searchIDs(index, "đảng")), ["tcvn-1", "news.vni"])
    }

    func testExplicitEncodingAndStoredTextIsDecoded() throws {
        let index = newIndexPath()
        let output = try CLIRunner.run(["index", index, fixture("news.vni.txt"), "--encoding", "vni"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let search = try CLIRunner.run(["search", index, "hướng dẫn", "--json"])
        XCTAssertTrue(search.stdout.contains("Hướng dẫn khai báo y tế qua ứng dụng di động"), search.stdout)
    }

    func testWithoutEncodingLegacyBytesAreRejectedAsBefore() throws {
        let output = try CLIRunner.run(["index", newIndexPath(), fixture("docs.tcvn3.jsonl")])
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("invalid UTF-8"), output.stderr)
    }

    func testInvalidBytesNameFileLineAndOffsetUnlessReplaced() throws {
        let input = newIndexPath("bad", suffix: ".jsonl")
        var bytes = Array("{\"id\": \"a\", \"body\": \"Vie".utf8)
        bytes += [0xE4, 0x74, 0x20, 0x6E, 0xF9]  // VNI: ù (sắc) after the consonant n
        bytes += Array("\"}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: input))

        let failed = try CLIRunner.run(["index", newIndexPath(), input, "--encoding", "vni"])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.stderr.contains(input), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("byte offset 28"), failed.stderr)

        let index = newIndexPath()
        let replaced = try CLIRunner.run(["index", index, input, "--encoding", "vni", "--replace-invalid", "--json"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertEqual(try searchIDs(index, "việt"), ["a"])
    }

    func testStandardInputIsDecodedAsAWhole() throws {
        let index = newIndexPath()
        // VNI-Windows JSONL: {"id": "s", "body": "Vieät Nam ñaûng vieân"}
        let body: [UInt8] = Array("Vie".utf8) + [0xE4] + Array("t Nam ".utf8) + [0xF1, 0x61, 0xFB] + Array("ng vie".utf8)
            + [0xE2] + Array("n".utf8)
        let line = Array("{\"id\": \"s\", \"body\": \"".utf8) + body + Array("\"}\n".utf8)
        let output = try CLIRunner.run(["index", index, "-", "--encoding", "auto", "--json"], stdin: Data(line))
        XCTAssertEqual(output.status, 0, output.stderr)
        let summary = try XCTUnwrap(output.jsonLines().first)
        XCTAssertEqual(summary["encodings"] as? [String: String], ["-": "vni"])
        XCTAssertEqual(try searchIDs(index, "\"đảng viên\""), ["s"])
    }

    func testReplaceInvalidNeedsEncoding() throws {
        let output = try CLIRunner.run(["index", newIndexPath(), fixture("news.vni.txt"), "--replace-invalid"])
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("--replace-invalid needs --encoding"), output.stderr)
    }
}
