import Foundation
import VietSearch
import XCTest
@testable import vietsearch

/// The input readers on their own (no index needed): the .txt title rule, JSONL parsing and errors,
/// directory expansion.
final class InputReaderTests: XCTestCase {
    // MARK: .txt title rule

    func testTitleSkipsShortKickerLine() {
        let text = "an ninh quốc phòng\n\nCông tác giáo dục, rèn luyện đảng viên ở Đảng bộ\nNội dung bài.\n"
        let (title, body) = TextDocumentReader.split(text)
        XCTAssertEqual(title, "Công tác giáo dục, rèn luyện đảng viên ở Đảng bộ")
        XCTAssertEqual(body, "an ninh quốc phòng\n\nNội dung bài.\n")
    }

    func testTitleSkipsDigitHeavyDateline() {
        // 7 words, 3 with digits (43%) > 40%: a dateline, not a headline.
        let text = "Ngày 13/09/2022 lúc 09:24 có 517 lượt\nHội nghị tổng kết công tác năm nay\n"
        XCTAssertEqual(TextDocumentReader.split(text).title, "Hội nghị tổng kết công tác năm nay")
    }

    func testTitleAcceptsFortyPercentDigitWords() {
        // 10 words of which 4 contain a digit: exactly 40%, still a headline ("ngắn" is too short).
        let line = "Giá 2.500 đồng 15 giờ 3 lít 4 xăng dầu"
        XCTAssertEqual(TextDocumentReader.split("ngắn\n" + line + "\nthân").title, line)
    }

    func testTitleFallsBackToFirstNonEmptyLine() {
        let (title, body) = TextDocumentReader.split("\n  Tin ngắn  \r\nmột hai\n")
        XCTAssertEqual(title, "Tin ngắn")
        XCTAssertEqual(body, "\nmột hai\n")
    }

    func testEmptyTextHasEmptyTitle() {
        XCTAssertEqual(TextDocumentReader.split("").title, "")
        XCTAssertEqual(TextDocumentReader.split(" \n\n").title, "")
    }

    func testSeedFileTitleAndID() throws {
        let path = CLIRunner.seeds + "/000_9f10ce85d8b31090.txt"
        let item = try XCTUnwrap(try TextDocumentReader(path: path, source: path).next())
        XCTAssertEqual(item.document.id, "000_9f10ce85d8b31090")
        XCTAssertEqual(item.document["title"], "Công tác giáo dục, rèn luyện đảng viên ở Đảng bộ Quân sự quận Long Biên")
        let body = try XCTUnwrap(item.document["body"])
        XCTAssertTrue(body.hasPrefix("an ninh quốc phòng\n\nNgày đăng 13/09/2022"))
        XCTAssertFalse(body.contains("ở Đảng bộ Quân sự quận Long Biên\n"))
    }

    func testTextFileWithInvalidUTF8NamesLineAndOffset() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vs-bad-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("dòng một\ndòng hai \u{1}".utf8 + [0xE1, 0xBB] + Data("\n".utf8)).write(to: url)
        let offset = "dòng một\ndòng hai \u{1}".utf8.count
        XCTAssertThrowsError(try TextDocumentReader(path: url.path, source: "bad.txt").next()) { error in
            XCTAssertEqual(error as? VietSearchError,
                           .invalidInput(source: "bad.txt", line: 2, message: "invalid UTF-8 at byte offset \(offset)"))
        }
    }

    // MARK: JSONL

    func testJSONLReadsFieldsSkipsBlankLinesAndCountsLines() throws {
        let items = try readAll(CLIRunner.fixture("news.jsonl"))
        XCTAssertEqual(items.map(\.document.id), ["n1", "n2", "n3"])
        XCTAssertEqual(items.map(\.line), [1, 3, 4])
        XCTAssertEqual(items[0].document.fields.map(\.name), ["title", "body", "tags"])
        XCTAssertEqual(items[0].document["tags"], "chính trị")
        XCTAssertEqual(items[1].document["title"], "Đội tuyển U23 thắng 2-0")
    }

    func testJSONLErrorsNameFileAndLine() throws {
        let cases: [(file: String, line: Int, message: String)] = [
            ("title-not-string.jsonl", 3, "\"title\" must be a string"),
            ("not-an-object.jsonl", 2, "expected a JSON object"),
            ("missing-id.jsonl", 1, "missing \"id\""),
            ("id-not-string.jsonl", 1, "\"id\" must be a string"),
            ("broken-json.jsonl", 2, "invalid JSON"),
        ]
        for expected in cases {
            let path = CLIRunner.fixture(expected.file)
            XCTAssertThrowsError(try readAll(path), expected.file) { error in
                guard case .invalidInput(let source, let line, let message)? = error as? VietSearchError else {
                    return XCTFail("\(expected.file): unexpected \(error)")
                }
                XCTAssertEqual(source, path)
                XCTAssertEqual(line, expected.line, expected.file)
                XCTAssertTrue(message.contains(expected.message), "\(expected.file): \(message)")
            }
        }
    }

    func testInvalidUTF8NamesLineAndFileByteOffset() throws {
        let path = CLIRunner.fixture("invalid-utf8.jsonl")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let badOffset = try XCTUnwrap(bytes.firstIndex(of: 0xC3))
        XCTAssertThrowsError(try readAll(path)) { error in
            XCTAssertEqual(error as? VietSearchError, .invalidInput(
                source: path, line: 2, message: "invalid UTF-8 at byte offset \(badOffset)"))
        }
    }

    func testLongLinesAcrossChunkBoundaries() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vs-long-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let longBody = String(repeating: "đảng viên ", count: 150_000) // 1.65 MB, more than one read chunk
        let lines = (0..<3).map { #"{"id": "L\#($0)", "body": "\#(longBody)"}"# }
        try Data((lines.joined(separator: "\n")).utf8).write(to: url) // no final newline
        let items = try readAll(url.path)
        XCTAssertEqual(items.map(\.document.id), ["L0", "L1", "L2"])
        XCTAssertEqual(items.map(\.line), [1, 2, 3])
        XCTAssertEqual(items[2].document["body"], longBody)
    }

    // MARK: inputs

    func testDirectoryExpandsToSortedTxtAndJSONLFilesOnly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vs-dir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub.txt"),
                                                withIntermediateDirectories: true)
        for name in ["b.txt", "a.jsonl", "c.md", "A.txt"] {
            try Data("x\n".utf8).write(to: directory.appendingPathComponent(name))
        }
        let names = try InputSource.resolve([directory.path, "-"]).map(\.name)
        XCTAssertEqual(names, [directory.path + "/A.txt", directory.path + "/a.jsonl", directory.path + "/b.txt", "-"])
    }

    func testUnsupportedAndMissingInputsAreErrors() {
        XCTAssertThrowsError(try InputSource.resolve([CLIRunner.packageRoot.appendingPathComponent("Package.swift").path]))
        XCTAssertThrowsError(try InputSource.resolve(["/no/such/file.jsonl"])) { error in
            XCTAssertEqual(error as? VietSearchError, .io(path: "/no/such/file.jsonl", message: "no such file or directory"))
        }
    }

    private func readAll(_ path: String) throws -> [SourcedDocument] {
        let reader = try InputSource.resolve([path])[0].open()
        var items: [SourcedDocument] = []
        while let item = try reader.next() { items.append(item) }
        return items
    }
}
