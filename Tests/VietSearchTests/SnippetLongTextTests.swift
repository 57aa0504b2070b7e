import Foundation
import XCTest
@testable import VietSearch

/// Fragment choice in a real 5.5 KB article (Fixtures/snippets/article.txt), in NFC and in NFD.
final class SnippetLongTextTests: SnippetTestCase {
    private func folded(_ text: String) -> [String] { Index.analyze(text).map(\.folded) }

    func testSeveralFragmentsAreBoundedDisjointAndWithinOneLine() throws {
        let text = try article()
        let result = try snippets("dang vien", documents: [Document(id: "1", title: "", body: text)], count: 3)
        XCTAssertEqual(result.count, 3)
        for snippet in result {
            XCTAssertLessThanOrEqual(snippet.text.count, 160 + 3, "length, with glued punctuation: \(snippet.text)")
            XCTAssertGreaterThan(snippet.text.count, 100, "room used for context: \(snippet.text)")
            XCTAssertFalse(snippet.text.contains("\n"))
            XCTAssertFalse(snippet.highlights.isEmpty)
            for word in snippet.highlightedTexts {
                XCTAssertTrue(["dang", "vien", "dang vien"].contains(folded(word).joined(separator: " ")), word)
            }
        }
        let ranges = result.map { $0.byteOffset..<($0.byteOffset + $0.text.utf8.count) }
        for (index, range) in ranges.enumerated() {
            for other in ranges[(index + 1)...] { XCTAssertFalse(range.overlaps(other), "\(range) \(other)") }
        }
        // Best first: the first fragment has at least as many matches as the others.
        XCTAssertGreaterThanOrEqual(result[0].highlights.count, result[1].highlights.count)
        XCTAssertGreaterThanOrEqual(result[0].highlights.count, result[2].highlights.count)
    }

    func testFragmentsWithMoreDistinctClausesWin() throws {
        let text = try article()
        // "chính trị" occurs often alone; "bản lĩnh chính trị" once: that fragment must come first.
        let result = try snippets("bản lĩnh chính trị", documents: [Document(id: "1", title: "", body: text)], count: 2)
        XCTAssertEqual(result.count, 2)
        XCTAssertTrue(marked(result[0]).contains("[bản lĩnh chính trị]"), marked(result[0]))
        XCTAssertFalse(result[1].highlightedTexts.contains("bản"))
        // A phrase: only the whole phrase is marked, as one range, never its words alone.
        let phrase = try snippets("\"rèn luyện đảng viên\"", documents: [Document(id: "1", title: "", body: text)],
                                  count: 3)
        XCTAssertEqual(phrase.count, 3)
        for snippet in phrase {
            XCTAssertEqual(snippet.highlightedTexts.map { $0.lowercased() }, ["rèn luyện đảng viên"])
        }
    }

    func testNFDArticleGivesTheSameFragmentsAsNFC() throws {
        let text = try article()
        let decomposed = text.decomposedStringWithCanonicalMapping
        XCTAssertGreaterThan(decomposed.utf8.count, text.utf8.count)
        for query in ["dang vien", "đảng viên", "\"chính trị\"", "kỷ luật"] {
            let composedResult = try snippets(query, documents: [Document(id: "1", title: "", body: text)], count: 3)
            let decomposedResult = try snippets(query, documents: [Document(id: "1", title: "", body: decomposed)],
                                                count: 3)
            XCTAssertFalse(composedResult.isEmpty, query)
            XCTAssertEqual(decomposedResult.map { $0.text.precomposedStringWithCanonicalMapping },
                           composedResult.map(\.text), query)
            XCTAssertEqual(decomposedResult.map { $0.highlightedTexts.map { $0.precomposedStringWithCanonicalMapping } },
                           composedResult.map(\.highlightedTexts), query)
            for snippet in decomposedResult {
                XCTAssertEqual(Array(snippet.text.utf8), Array(snippet.text.decomposedStringWithCanonicalMapping.utf8))
            }
        }
    }

    func testShortLengthStillShowsTheMatchWhole() throws {
        let body = "Công tác giáo dục, rèn luyện đảng viên ở Đảng bộ Quân sự quận Long Biên"
        let result = try snippets("\"rèn luyện đảng viên\"", documents: [Document(id: "1", title: "", body: body)],
                                  length: 5)
        XCTAssertEqual(result.map(\.text), ["rèn luyện đảng viên"])
        XCTAssertEqual(result.first?.highlights.map { [$0.start, $0.end] }, [[0, "rèn luyện đảng viên".utf8.count]])
    }
}
