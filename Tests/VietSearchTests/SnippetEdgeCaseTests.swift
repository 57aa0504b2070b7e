import Foundation
import XCTest
@testable import VietSearch
import VietSearchQuery

/// Snippets around emoji, mixed Unicode forms, odd whitespace, long tokens, and field selection.
final class SnippetEdgeCaseTests: SnippetTestCase {
    func testFourByteCharactersAroundMatchesAreNeverCut() throws {
        let body = "🇻🇳🇻🇳🇻🇳Việt Nam🎉 vô địch! 😀 Việt"
        let result = try snippets("việt", documents: [Document(id: "1", title: "", body: body)], count: 2, length: 12)
        XCTAssertFalse(result.isEmpty)
        for snippet in result {
            XCTAssertEqual(snippet.highlightedTexts, Array(repeating: "Việt", count: snippet.highlights.count))
            XCTAssertFalse(snippet.highlights.isEmpty)
            // Every fragment decodes back to the same bytes: no broken sequence at either end.
            XCTAssertEqual(Array(String(decoding: Array(snippet.text.utf8), as: UTF8.self).utf8), Array(snippet.text.utf8))
        }
        // The scalar offsets count each flag as two scalars and each emoji as one.
        let whole = try snippets("nam", documents: [Document(id: "1", title: "", body: body)], length: 200)
        let snippet = try XCTUnwrap(whole.first)
        XCTAssertEqual(snippet.text, body)
        XCTAssertEqual(snippet.characterHighlights.map { [$0.start, $0.end] }, [[11, 14]])
        XCTAssertEqual(snippet.highlights.map { [$0.start, $0.end] }, [[31, 34]])
    }

    func testMixedFormsAndWhitespaceInOneText() throws {
        let body = "Dòng một:\tđảng viên\r\n" + "Đảng viên".decomposedStringWithCanonicalMapping + " ở\u{00A0}cơ sở"
        let result = try snippets("\"đảng viên\" sở", documents: [Document(id: "1", title: "", body: body)], count: 3)
        let words = result.flatMap(\.highlightedTexts).map { $0.precomposedStringWithCanonicalMapping.lowercased() }
        XCTAssertEqual(Set(words), ["đảng viên", "sở"])
        XCTAssertEqual(words.filter { $0 == "đảng viên" }.count, 2)
        for snippet in result { XCTAssertFalse(snippet.text.contains("\n") || snippet.text.contains("\r")) }
    }

    func testLongTokenAndTinyLength() throws {
        let code = String(repeating: "X", count: 300) + "9"
        let body = "mã \(code) được gửi"
        let result = try snippets(code, documents: [Document(id: "1", title: "", body: body)], length: 10)
        XCTAssertEqual(result.map(\.text), [code])
        XCTAssertEqual(result.first?.highlights.map { [$0.start, $0.end] }, [[0, code.utf8.count]])
    }

    func testFewerFragmentsThanAskedAndFieldSelection() throws {
        let doc = Document(id: "1", fields: [("title", "Đảng viên"), ("body", "Chỉ một câu về đảng."),
                                             ("note", "ghi chú đảng")])
        var result = try snippets("đảng", documents: [doc], count: 5)
        XCTAssertEqual(result.map(\.field).sorted(), ["body", "title"], "note is not searched")
        result = try snippets("đảng", documents: [doc], count: 5, fields: ["body"])
        XCTAssertEqual(result.map(\.text), ["Chỉ một câu về đảng."])
        result = try snippets("đảng", documents: [doc], count: 5, fields: ["missing"])
        XCTAssertTrue(result.isEmpty)
        // A field named in the query is a snippet field even when not searched by default.
        result = try snippets("note:đảng", documents: [doc], count: 5)
        XCTAssertEqual(result.map(\.field), ["note"])
        XCTAssertEqual(result.first?.highlightedTexts, ["đảng"])
    }

    func testManyMatchesInALargeField() throws {
        let text = try article()
        let body = Array(repeating: text, count: 40).joined(separator: "\n")
        let result = try snippets("dang vien \"chính trị\"", documents: [Document(id: "1", title: "", body: body)],
                                  count: 4)
        XCTAssertEqual(result.count, 4)
        for snippet in result {
            XCTAssertTrue(snippet.highlightedTexts.contains { $0.lowercased() == "chính trị" }, marked(snippet))
        }
    }

    func testTiesPreferTheLongerField() throws {
        let doc = Document(id: "1", title: "Đảng viên trẻ", body: "Hội nghị biểu dương đảng viên trẻ tiêu biểu năm nay.")
        XCTAssertEqual(try snippets("dang vien", documents: [doc]).map(\.field), ["body"])
        // More matches still win over length.
        let titled = Document(id: "1", title: "Đảng viên, đảng viên", body: "Hội nghị biểu dương đảng viên trẻ.")
        XCTAssertEqual(try snippets("dang vien", documents: [titled]).map(\.field), ["title"])
    }

    func testOnlyTheAnalysedPrefixOfAHugeFieldIsSearched() throws {
        let body = "Mở đầu về đảng viên. " + String(repeating: "chữ ", count: 50) + "Cuối bài có kỷ luật."
        let analyzed = HighlightQuery(QueryAnalyzer().analyze(try QueryParser().parse("đảng kỷ")))
        let small = SnippetGenerator(query: analyzed, defaultFields: ["body"], snippetFields: nil, count: 3, length: 40,
                                     maxAnalyzedBytes: 40)
        let result = small.snippets(for: [("body", body)])
        XCTAssertEqual(result.flatMap(\.highlightedTexts), ["đảng"], "kỷ lies past the analysed prefix")
        let whole = SnippetGenerator(query: analyzed, defaultFields: ["body"], snippetFields: nil, count: 3, length: 40)
        XCTAssertEqual(Set(whole.snippets(for: [("body", body)]).flatMap(\.highlightedTexts)), ["đảng", "kỷ"])
    }

    func testAShortLineIsShownWholeEvenAfterAFullStop() throws {
        let doc = Document(id: "1", title: "6.5. Lệnh git-buildpackage và những lệnh tương tự", body: "")
        let result = try snippets("lệnh", documents: [doc])
        XCTAssertEqual(result.first?.text, doc["title"])
        // A long line still starts at the matched sentence rather than mid-way through the one before.
        let long = "Câu đầu tiên khá dài nói về nhiều việc khác nhau của đơn vị trong năm. Lệnh mới được ban hành."
        let cut = try snippets("lệnh", documents: [Document(id: "2", title: "", body: long)], length: 40)
        XCTAssertEqual(cut.first.map { String($0.text.prefix(4)) }, "Lệnh")
    }

    func testAdjacentQueryWordsBeatScatteredOnes() throws {
        let body = "Đảng bộ, cán bộ viên chức và đảng ủy họp.\nMột đảng viên trẻ."
        let result = try snippets("dang vien", documents: [Document(id: "1", title: "", body: body)])
        // `.vietnamese` scoring matched the adjacent pair as a phrase: one span.
        XCTAssertEqual(result.map(marked), ["Một [đảng viên] trẻ."])
        let bm25 = try snippets("dang vien", documents: [Document(id: "1", title: "", body: body)], scoring: .bm25)
        XCTAssertEqual(bm25.map(marked), ["Một [đảng] [viên] trẻ."])
        // Out of query order they are two words, not a phrase: the line with more matches wins.
        let reversed = try snippets("vien dang", documents: [Document(id: "1", title: "", body: body)])
        XCTAssertEqual(reversed.first?.highlights.count, 3)
    }

    func testSnippetFieldsAreDecodedEvenWhenOnlyTitlesAreLoaded() throws {
        let index = Index.inMemory()
        try self.index([Document(id: "1", title: "Tin trong nước", body: "Một đảng viên trẻ.")], into: index)
        var options = SearchOptions()
        options.fieldsToLoad = ["title"]
        options.snippets = 1
        let hit = try XCTUnwrap(try index.searcher().search("dang", options: options).first)
        XCTAssertEqual(hit.fields.map(\.name), ["title"])
        XCTAssertEqual(hit.snippets.map(\.field), ["body"])
        XCTAssertEqual(hit.snippets.first?.highlightedTexts, ["đảng"])
    }
}
