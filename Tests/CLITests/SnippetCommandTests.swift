import Foundation
import XCTest

/// `vietsearch search --snippets` end to end over an index of seeds/.
final class SnippetCommandTests: XCTestCase {
    private func hits(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let output = try CLIRunner.run(["search", SeedIndex.path, "--json"] + arguments)
        XCTAssertEqual(output.status, 0, output.stderr, file: file, line: line)
        let lines = try output.jsonLines()
        XCTAssertEqual(lines.count, 1, file: file, line: line)
        return lines.first?["hits"] as? [[String: Any]] ?? []
    }

    /// Every snippet's highlighted substrings, checked to be the same by byte and by scalar offsets.
    private func highlighted(_ hit: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
        let snippets = try XCTUnwrap(hit["snippets"] as? [[String: Any]], "\(hit)", file: file, line: line)
        return try snippets.map { snippet in
            let text = try XCTUnwrap(snippet["text"] as? String, file: file, line: line)
            XCTAssertEqual(snippet["field"] as? String, "body", file: file, line: line)
            let bytes = Array(text.utf8)
            let scalars = Array(text.unicodeScalars)
            let byteRanges = try XCTUnwrap(snippet["highlights"] as? [[Int]], file: file, line: line)
            let scalarRanges = try XCTUnwrap(snippet["char_highlights"] as? [[Int]], file: file, line: line)
            XCTAssertEqual(byteRanges.count, scalarRanges.count, file: file, line: line)
            XCTAssertFalse(byteRanges.isEmpty, text, file: file, line: line)
            return zip(byteRanges, scalarRanges).map { byteRange, scalarRange in
                let byBytes = String(decoding: bytes[byteRange[0]..<byteRange[1]], as: UTF8.self)
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[scalarRange[0]..<scalarRange[1]])
                XCTAssertEqual(byBytes, String(view), file: file, line: line)
                return byBytes
            }
        }
    }

    func testJSONSnippetsMarkThePhraseByBytesAndScalars() throws {
        let result = try hits(["\"đảng viên\"", "--limit", "3", "--snippets", "2"])
        XCTAssertEqual(result.count, 3)
        for hit in result {
            let fragments = try highlighted(hit)
            XCTAssertTrue((1...2).contains(fragments.count), "\(fragments)")
            for word in fragments.joined() {
                XCTAssertEqual(word.lowercased().precomposedStringWithCanonicalMapping, "đảng viên")
            }
        }
    }

    func testUnaccentedQueryAndBareFlag() throws {
        let result = try hits(["dang vien", "--limit", "2", "--snippets"])
        XCTAssertEqual(result.count, 2)
        for hit in result {
            let fragments = try highlighted(hit)
            XCTAssertEqual(fragments.count, 1, "bare --snippets gives one fragment")
            for word in fragments.joined() {
                let folded = word.lowercased().folding(options: .diacriticInsensitive, locale: nil)
                    .replacingOccurrences(of: "đ", with: "d")
                XCTAssertTrue(["dang", "vien", "dang vien"].contains(folded), word)
            }
        }
        let plain = try hits(["dang vien", "--limit", "2"])
        XCTAssertNil(plain.first?["snippets"], "no snippets unless asked")
    }

    func testSnippetLengthBoundsEveryFragment() throws {
        let result = try hits(["đảng", "--limit", "5", "--snippets", "3", "--snippet-length", "40"])
        XCTAssertFalse(result.isEmpty)
        for hit in result {
            let snippets = try XCTUnwrap(hit["snippets"] as? [[String: Any]])
            XCTAssertFalse(snippets.isEmpty)
            for snippet in snippets {
                let text = try XCTUnwrap(snippet["text"] as? String)
                XCTAssertLessThanOrEqual(text.count, 40 + 8, text)
                XCTAssertGreaterThan(text.count, 10, text)
            }
        }
    }

    func testTextModeMarksMatchesWithBrackets() throws {
        let output = try CLIRunner.run(["search", SeedIndex.path, "\"cấp ủy\"", "--limit", "2", "--snippets", "1"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let fragmentLines = output.stdout.split(separator: "\n").filter { $0.contains("[cấp ủy]") || $0.contains("[Cấp ủy]") }
        XCTAssertEqual(fragmentLines.count, 2, output.stdout)
        XCTAssertFalse(output.stdout.contains("\u{1B}["), "no ANSI codes when not on a terminal")
    }

    func testBadSnippetOptionsAreRejected() throws {
        for arguments in [["--snippets=-1"], ["--snippets", "2", "--snippet-length", "0"]] {
            let output = try CLIRunner.run(["search", SeedIndex.path, "đảng"] + arguments)
            XCTAssertNotEqual(output.status, 0, "\(arguments)")
            XCTAssertTrue(output.stderr.contains("snippet"), output.stderr)
        }
    }
}
