import Foundation
import VietSearch
import XCTest
@testable import vietsearch

/// The JSONL line parser: escapes, strictness, error offsets, and the reader's document rules
/// (first value of a repeated name wins, field order, which error wins).
final class JSONLObjectParserTests: XCTestCase {
    func testEscapesIncludingSurrogatePairsAreDecoded() throws {
        let members = try parse(#"{"id": "a", "title": "x\u00e9\ud83d\ude00y", "body": "\"q\" \\ \/ \b\f\n\r\t\u0000"}"#)
        XCTAssertEqual(members.map(\.name), ["id", "title", "body"])
        XCTAssertEqual(members[1].value, "xé😀y")
        XCTAssertEqual(members[2].value, "\"q\" \\ / \u{8}\u{C}\n\r\t\u{0}")
    }

    func testUnescapedStringsKeepTheirUTF8() throws {
        let members = try parse("  {\"id\":\"đ1\",\"title\":\"Đội tuyển U23 thắng 2-0\"}\r")
        XCTAssertEqual(members[0].value, "đ1")
        XCTAssertEqual(members[1].value, "Đội tuyển U23 thắng 2-0")
    }

    func testNonStringValuesAreSkippedButChecked() throws {
        let members = try parse(#"{"id":"a","n":-0.5e+3,"t":true,"f":false,"z":null,"o":{"x":[1,{"y":"\u0041"}],"e":{}},"l":[]}"#)
        XCTAssertEqual(members.map(\.name), ["id", "n", "t", "f", "z", "o", "l"])
        XCTAssertEqual(members.map { $0.value == nil }, [false, true, true, true, true, true, true])
    }

    func testValidJSONThatIsNotAnObject() throws {
        for line in [#"["id", "a2"]"#, #""text""#, "5", "null"] {
            var parser = JSONLObjectParser()
            let parsed = try Array(line.utf8).withUnsafeBufferPointer { try parser.parse($0) }
            guard case .notAnObject = parsed else { return XCTFail("\(line): \(parsed)") }
        }
    }

    func testSyntaxErrorsGiveTheOffsetOfTheProblem() {
        let cases: [(line: String, offset: Int, message: String)] = [
            (#"{"id":"a",}"#, 10, "expected a member name"),
            (#"{"id":"a"} x"#, 11, "unexpected content"),
            (#"{"id" "a"}"#, 6, "expected ':'"),
            (#"{"id":"a","b":01}"#, 15, "expected ',' or '}'"),
            (#"{"id":"a","b":1.}"#, 16, "digits expected after '.'"),
            (#"{"id":"a","b":[1,]}"#, 17, "expected a value"),
            (#"{"id":"a","b":tru}"#, 14, "invalid literal"),
            (#"{"id":"a","t":"x\q"}"#, 16, "invalid escape"),
            (#"{"id":"a","t":"x\u00"}"#, 16, "four hex digits"),
            (#"{"id":"a","t":"\ud83d"}"#, 15, "high surrogate"),
            (#"{"id":"a","t":"\ud83d\u0041"}"#, 15, "high surrogate"),
            (#"{"id":"a","t":"\ude00"}"#, 15, "low surrogate"),
            ("{\"id\":\"a\",\"t\":\"x\ty\"}", 16, "control byte"),
            (#"{"id":"a","t":"x"#, 16, "unterminated string"),
            (#"{"id":"a""#, 9, "expected ',' or '}'"),
            ("", 0, "expected a value"),
        ]
        for expected in cases {
            XCTAssertThrowsError(try parse(expected.line), expected.line) { error in
                guard let syntax = error as? JSONLObjectParser.SyntaxError else { return XCTFail("\(expected.line): \(error)") }
                XCTAssertEqual(syntax.offset, expected.offset, expected.line)
                XCTAssertTrue(syntax.message.contains(expected.message), "\(expected.line): \(syntax.message)")
            }
        }
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let depth = JSONLObjectParser.maximumDepth + 10
        let line = #"{"id":"a","b":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        XCTAssertThrowsError(try parse(line)) { error in
            XCTAssertTrue((error as? JSONLObjectParser.SyntaxError)?.message.contains("nesting") == true, "\(error)")
        }
    }

    func testByteOrderMarkBeforeTheObjectIsSkipped() throws {
        XCTAssertEqual(try parse("\u{FEFF}{\"id\":\"a\"}").map(\.value), ["a"])
    }

    // MARK: through the reader

    func testRepeatedNameKeepsItsFirstValueAndFieldsAreOrdered() throws {
        let items = try read(#"{"zeta":"z","body":"b","id":"a","title":"t","id":"b","alpha":"x","title":5}"#)
        XCTAssertEqual(items[0].document.id, "a")
        XCTAssertEqual(items[0].document.fields.map(\.name), ["title", "body", "alpha", "zeta"])
        XCTAssertEqual(items[0].document["title"], "t")
    }

    /// Many members (past the pairwise comparison's limit) with repeated names: the same rule.
    func testRepeatedNamesAmongManyMembersKeepTheirFirstValues() throws {
        var members = (0..<40).map { #""f\#($0 % 25)":"v\#($0)""# }
        members.insert(#""id":"a""#, at: 30)
        members.append(#""id":"b""#)
        let items = try read("{" + members.joined(separator: ",") + "}")
        XCTAssertEqual(items[0].document.id, "a")
        XCTAssertEqual(items[0].document.fields.count, 25)
        for field in 0..<25 { XCTAssertEqual(items[0].document["f\(field)"], "v\(field)") }
        let few = try read(#"{"f1":"x","id":"a","f1":"y","f2":"z","f2":"w"}"#)
        XCTAssertEqual(few[0].document.fields.map(\.value), ["x", "z"])
    }

    func testFirstNonStringFieldInFieldOrderIsNamed() throws {
        XCTAssertThrowsError(try read(#"{"id":"a","zeta":1,"body":[2],"title":"ok"}"#)) { error in
            XCTAssertEqual(error as? VietSearchError, .invalidInput(source: "t.jsonl", line: 1, message: "\"body\" must be a string"))
        }
    }

    func testErrorOffsetsCountFromTheStartOfTheFile() throws {
        let first = #"{"id":"a"}"#
        XCTAssertThrowsError(try read(first + "\n" + #"{"id":"b",}"#)) { error in
            guard case .invalidInput(_, 2, let message)? = error as? VietSearchError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.hasPrefix("invalid JSON at byte offset \(first.utf8.count + 1 + 10):"), message)
        }
    }

    func testInvalidUTF8WinsOverOtherErrors() throws {
        // A syntax error and a non-string value after an invalid byte: the invalid byte is reported.
        let lines: [[UInt8]] = [
            Array(#"{"id":"a",  "#.utf8) + [0xFF] + Array(#" "t":"x"}"#.utf8),
            Array(#"{"id":"a","t":5,"b":""#.utf8) + [0xC3] + Array(#""}"#.utf8),
            Array(#"{"id":"a","t":[""#.utf8) + [0xFF] + Array(#""]}"#.utf8),
            Array(#"{"id":"a","t":""#.utf8) + [0xE1, 0xBB] + Array(#""}"#.utf8),
        ]
        for bytes in lines {
            let offset = try XCTUnwrap(bytes.firstIndex { $0 >= 0x80 })
            XCTAssertThrowsError(try read(bytes)) { error in
                XCTAssertEqual(error as? VietSearchError,
                               .invalidInput(source: "t.jsonl", line: 1, message: "invalid UTF-8 at byte offset \(offset)"))
            }
        }
    }

    /// A broken byte anywhere in an escaped and an unescaped string of 32+ bytes (every lane of the
    /// UTF-8 check's words) is reported at its own offset; the undamaged line reads back unchanged.
    func testInvalidByteAtEveryPositionOfAStringIsReportedAtItsOffset() throws {
        for escaped in [false, true] {
            let text = escaped ? #"Người dân\n đã được hưởng ở Hà Nội\u1ec7"# : "Người dân đã được hưởng ở Hà Nội"
            let head = Array(#"{"id":"a","body":""#.utf8)
            let line = head + Array(text.utf8) + Array(#""}"#.utf8)
            let documents = try read(line)
            XCTAssertEqual(documents.first?.document.fields.first?.value,
                           escaped ? "Người dân\n đã được hưởng ở Hà Nội\u{1EC7}" : text)
            for position in head.count..<(line.count - 2) {
                for replacement: UInt8 in [0x80, 0xC0, 0xE1, 0xED, 0xFF] where line[position] != replacement {
                    var damaged = line
                    damaged[position] = replacement
                    guard String(validating: damaged, as: UTF8.self) == nil else { continue }
                    let expected = try XCTUnwrap(Self.firstInvalidOffset(damaged))
                    XCTAssertThrowsError(try read(damaged), "position \(position)") { error in
                        XCTAssertEqual(error as? VietSearchError, .invalidInput(
                            source: "t.jsonl", line: 1, message: "invalid UTF-8 at byte offset \(expected)"))
                    }
                }
            }
        }
    }

    /// The offset where Foundation's decoder stops accepting the bytes: the longest valid prefix
    /// (independent of the CLI's validators).
    private static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        (0...bytes.count).last { String(data: Data(bytes[..<$0]), encoding: .utf8) != nil }
    }

    private func parse(_ line: String) throws -> [JSONLObjectParser.Member] {
        var parser = JSONLObjectParser()
        let parsed = try Array(line.utf8).withUnsafeBufferPointer { try parser.parse($0) }
        guard case .object(let members) = parsed else {
            XCTFail("\(line): not an object")
            return []
        }
        return members
    }

    private func read(_ text: String) throws -> [SourcedDocument] {
        try read(Array(text.utf8))
    }

    private func read(_ bytes: [UInt8]) throws -> [SourcedDocument] {
        let reader = JSONLDocumentReader(lines: LineReader(bytes: bytes, source: "t.jsonl"))
        var items: [SourcedDocument] = []
        while let item = try reader.next() { items.append(item) }
        return items
    }
}
