import Foundation
import XCTest

/// `stats`, `check` and `analyze` end to end, and a corrupted segment.
final class InspectCommandTests: XCTestCase {
    func testStatsJSON() throws {
        let output = try CLIRunner.run(["stats", SeedIndex.path, "--json"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let stats = try XCTUnwrap(try output.jsonLines().first)
        XCTAssertEqual(stats["documents"] as? Int, 5)
        XCTAssertGreaterThanOrEqual(stats["segments"] as? Int ?? 0, 1)
        XCTAssertGreaterThanOrEqual(stats["generation"] as? Int ?? 0, 1)
        let terms = try XCTUnwrap(stats["terms"] as? [String: Int])
        XCTAssertGreaterThan(terms["body"] ?? 0, terms["title"] ?? 0)
        XCTAssertGreaterThan(terms["title"] ?? 0, 0)
        let bytes = try XCTUnwrap(stats["bytes"] as? [String: Int])
        XCTAssertGreaterThan(bytes["postings"] ?? 0, 0)
        XCTAssertEqual(stats["total_bytes"] as? Int, bytes.values.reduce(0, +))

        let text = try CLIRunner.run(["stats", SeedIndex.path])
        XCTAssertTrue(text.stdout.hasPrefix("documents   5\n"), text.stdout)
    }

    func testCheckReportsOK() throws {
        let text = try CLIRunner.run(["check", SeedIndex.path])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("OK: "), text.stdout)
        XCTAssertEqual(text.stdout.split(separator: "\n").count, 1)
        let json = try XCTUnwrap(try CLIRunner.run(["check", SeedIndex.path, "--json"]).jsonLines().first)
        XCTAssertEqual(json["ok"] as? Bool, true)
        XCTAssertEqual(json["documents"] as? Int, 5)
        XCTAssertGreaterThan(json["bytes_verified"] as? Int ?? 0, 0)
    }

    func testCorruptSegmentIsCaughtAndNamed() throws {
        let index = CLIRunner.temporaryPath("corrupt")
        defer { try? FileManager.default.removeItem(atPath: index) }
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.seeds]).status, 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: index)
        let segment = try XCTUnwrap(names.filter { $0.hasPrefix("seg-") && $0.hasSuffix(".vss") }.sorted().first, "\(names)")
        let url = URL(fileURLWithPath: index).appendingPathComponent(segment)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count / 2] ^= 0x5A
        try bytes.write(to: url)

        let check = try CLIRunner.run(["check", index])
        XCTAssertEqual(check.status, 1, check.stdout)
        XCTAssertTrue(check.stderr.hasPrefix("error: "), check.stderr)
        XCTAssertTrue(check.stderr.contains(segment), check.stderr)
        XCTAssertEqual(check.stdout, "")
        let checkJSON = try CLIRunner.run(["check", index, "--json"])
        XCTAssertEqual(checkJSON.status, 1)
        XCTAssertEqual(try checkJSON.jsonLines().first?["ok"] as? Bool, false)

        // Search may not read the damaged byte; if it does, it must fail cleanly, never crash.
        let search = try CLIRunner.run(["search", index, "--json"], stdin: Data("đảng\ndang vien\n\"cấp ủy\"\n".utf8))
        XCTAssertTrue([0, 1].contains(search.status), "status \(search.status): \(search.stderr)")
        if search.status == 1 {
            XCTAssertTrue(search.stderr.hasPrefix("error: "), search.stderr)
        }
    }

    func testAnalyzeJSONOffsetsPointIntoTheInput() throws {
        // NFD input and an old-style tone: offsets refer to the bytes as given, keys are canonical.
        let text = "Hoa\u{0300} bình, Đảng viên QS-QP; thuỷ 13/09/2022 khỏe"
        for (arguments, stdin) in [(["analyze", text, "--json"], Data()), (["analyze", "--json"], Data(text.utf8))] {
            let output = try CLIRunner.run(arguments, stdin: stdin)
            XCTAssertEqual(output.status, 0, output.stderr)
            let object = try XCTUnwrap(try output.jsonLines().first)
            let tokens = try XCTUnwrap(object["tokens"] as? [[String: Any]])
            let bytes = Array(text.utf8)
            for token in tokens {
                let start = try XCTUnwrap(token["start"] as? Int), end = try XCTUnwrap(token["end"] as? Int)
                XCTAssertTrue(0 <= start && start < end && end <= bytes.count, "\(token)")
                let slice = String(decoding: bytes[start..<end], as: UTF8.self)
                let tokenText = try XCTUnwrap(token["text"] as? String)
                if token["exact"] as? String != "qsqp" { XCTAssertEqual(slice, tokenText) }
                XCTAssertNotNil(token["position"] as? Int)
            }
            let keys = tokens.map { ($0["exact"] as? String ?? "", $0["folded"] as? String ?? "") }
            XCTAssertTrue(keys.contains { $0 == ("đảng", "dang") }, "\(keys)")
            XCTAssertTrue(keys.contains { $0 == ("hoà", "hoa") }, "\(keys)")
            XCTAssertTrue(keys.contains { $0 == ("thuỷ", "thuy") }, "\(keys)")
            XCTAssertTrue(keys.contains { $0 == ("khoẻ", "khoe") }, "\(keys)")
            XCTAssertTrue(keys.contains { $0.0 == "qsqp" }, "\(keys)")
            XCTAssertTrue(keys.contains { $0.0 == "13/09/2022" }, "\(keys)")
            let positions = tokens.compactMap { $0["position"] as? Int }
            XCTAssertEqual(positions, positions.sorted(), "positions never go back")
        }
    }

    func testAnalyzeTextOutputAndInvalidUTF8() throws {
        let output = try CLIRunner.run(["analyze", "Đảng viên"])
        XCTAssertEqual(output.status, 0)
        let lines = output.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, output.stdout)
        XCTAssertTrue(lines[1].contains("đảng") && lines[1].contains("dang") && lines[1].contains("0..<7"), output.stdout)

        let bad = try CLIRunner.run(["analyze"], stdin: Data([0x61, 0x62, 0xFF, 0x63]))
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stderr, "error: -: invalid UTF-8 at byte offset 2\n")
    }
}
