import Foundation
import XCTest
@testable import VietSearch

/// Snippets: offsets slice exactly the matched words (bytes and scalars), in NFC and NFD text, with the
/// query's own matching rules.
final class SnippetTests: SnippetTestCase {
    func testAccentedQueryHighlightsExactWordsOnly() throws {
        let body = "Đảng viên đang học. Cán bộ, đảng viên của Đảng bộ."
        let result = try snippets("đảng", documents: [Document(id: "1", title: "Tin", body: body)])
        XCTAssertEqual(result.count, 1)
        XCTAssertEqual(result.first?.field, "body")
        XCTAssertEqual(result.first?.highlightedTexts, ["Đảng", "đảng", "Đảng"])  // not "đang"
        XCTAssertEqual(result.first?.text, body)
    }

    func testByteAndScalarOffsetsOfMultiByteWords() throws {
        let body = "Xin chào, người Việt"
        let result = try snippets("việt chào", documents: [Document(id: "1", title: "", body: body)])
        let snippet = try XCTUnwrap(result.first)
        // "Xin " = 4 bytes; "chào" = c h à o: à is 2 bytes in NFC.
        XCTAssertEqual(snippet.highlights.map { [$0.start, $0.end] }, [[4, 9], [20, 26]])
        XCTAssertEqual(snippet.characterHighlights.map { [$0.start, $0.end] }, [[4, 8], [16, 20]])
        XCTAssertEqual(snippet.highlightedTexts, ["chào", "Việt"])
    }

    func testNFDStoredTextIsHighlightedInItsOwnBytes() throws {
        let body = nfd("Công tác giáo dục, rèn luyện đảng viên ở Đảng bộ Quân sự quận Long Biên")
        XCTAssertGreaterThan(body.unicodeScalars.count, body.count)  // really decomposed
        for query in ["đảng viên", "dang vien", nfd("Đảng")] {
            let result = try snippets(query, documents: [Document(id: "1", title: "", body: body)])
            let snippet = try XCTUnwrap(result.first, query)
            XCTAssertEqual(Array(snippet.text.utf8), Array(body.utf8), "original NFD bytes kept")
            let words = snippet.highlightedTexts.map { $0.precomposedStringWithCanonicalMapping.lowercased() }
            XCTAssertTrue(words.contains("đảng"), "\(query): \(words)")
            for word in snippet.highlightedTexts {
                XCTAssertEqual(word, word.decomposedStringWithCanonicalMapping, "highlight keeps the NFD marks")
            }
        }
        // NFD "ở " is o, U+031B, U+0309, space (4 scalars, 6 bytes); "Đảng" is Đ, a, U+0309, n, g (5 scalars, 7 bytes).
        let result = try snippets("Đảng", documents: [Document(id: "1", title: "", body: nfd("ở Đảng bộ"))])
        let snippet = try XCTUnwrap(result.first)
        XCTAssertEqual(snippet.characterHighlights.map { [$0.start, $0.end] }, [[4, 9]])
        XCTAssertEqual(snippet.highlights.map { [$0.start, $0.end] }, [[6, 13]])
    }

    func testUnaccentedQueryHighlightsAccentedText() throws {
        let body = "Xây dựng Đảng, đảng viên và đội ngũ cán bộ."
        let result = try snippets("dang vien", documents: [Document(id: "1", title: "", body: body)], scoring: .bm25)
        XCTAssertEqual(result.first?.highlightedTexts, ["Đảng", "đảng", "viên"])
        let adjacent = try snippets("dang vien", documents: [Document(id: "1", title: "", body: body)])
        XCTAssertEqual(adjacent.first?.highlightedTexts, ["Đảng", "đảng viên"])
    }

    func testPhraseHighlightsTheWholeSpan() throws {
        let body = "Đảng bộ quận chăm lo cho đảng viên trẻ."
        var result = try snippets("\"đảng viên\"", documents: [Document(id: "1", title: "", body: body)])
        XCTAssertEqual(result.first?.highlightedTexts, ["đảng viên"])
        result = try snippets("\"dang vien\"", documents: [Document(id: "1", title: "", body: body)])
        XCTAssertEqual(result.first?.highlightedTexts, ["đảng viên"])
        // With slop, the span covers the words in between.
        result = try snippets("\"chăm cho\"~1", documents: [Document(id: "1", title: "", body: body)])
        XCTAssertEqual(result.first?.highlightedTexts, ["chăm lo cho"])
        // A term that overlaps a phrase merges into one range.
        result = try snippets("\"đảng viên\" viên", documents: [Document(id: "1", title: "", body: body)])
        XCTAssertEqual(result.first?.highlightedTexts, ["đảng viên"])
    }

    func testExcludedAndOtherFieldClausesAreNotHighlighted() throws {
        let doc = Document(id: "1", title: "Đảng viên trẻ", body: "Đảng viên trẻ học tập.")
        var result = try snippets("viên -xyz", documents: [doc], count: 2)
        XCTAssertEqual(result.flatMap(\.highlightedTexts), ["viên", "viên"])
        result = try snippets("title:trẻ", documents: [doc], count: 2)
        XCTAssertEqual(result.map(\.field), ["title"])
        XCTAssertEqual(result.first?.highlightedTexts, ["trẻ"])
    }

    func testVietnameseScoringMarksWhatItMatched() throws {
        let doc = Document(id: "1", title: "", body: "Cán bộ đảng viên và bán hàng.")
        // Typing residue is decoded by the engine: the decoded word is marked.
        XCTAssertEqual(try snippets("ddangr", documents: [doc]).first?.highlightedTexts, ["đảng"])
        // A partly marked word stands for its compatible spellings (đang → đảng).
        XCTAssertEqual(try snippets("đang", documents: [doc]).first?.highlightedTexts, ["đảng"])
    }

    func testBothToneStylesAndUpperCaseMatch() throws {
        let doc = Document(id: "1", title: "", body: "Hòa bình, hoà hợp; CẤP ỦY và cấp uỷ.")
        XCTAssertEqual(try snippets("hoà", documents: [doc]).first?.highlightedTexts, ["Hòa", "hoà"])
        XCTAssertEqual(try snippets("\"cấp ủy\"", documents: [doc]).first?.highlightedTexts, ["CẤP ỦY", "cấp uỷ"])
    }

    func testPrefixAndAbbreviationHighlights() throws {
        let doc = Document(id: "1", title: "", body: "Người Việt ở TP.HCM và Hà Nội.")
        XCTAssertEqual(try snippets("việ*", documents: [doc]).first?.highlightedTexts, ["Việt"])
        XCTAssertEqual(try snippets("viet*", documents: [doc]).first?.highlightedTexts, ["Việt"])
        XCTAssertEqual(try snippets("TP.HCM", documents: [doc]).first?.highlightedTexts, ["TP.HCM"])
    }

    func testFoldedFallbackOnlyWhenNoExactOccurrence() throws {
        // `bản đồ` never occurs exactly: the folded `bán độ` explains the match (two-level ranking).
        let onlyFolded = Document(id: "1", title: "", body: "Vụ bán độ bị phát hiện ở thị xã.")
        XCTAssertEqual(try snippets("bản đồ thị", documents: [onlyFolded], scoring: .bm25).first?.highlightedTexts,
                       ["bán", "độ", "thị"])
        // `.vietnamese` scoring also matched the folded pair as a phrase (a look-alike: fallback only).
        XCTAssertEqual(try snippets("bản đồ thị", documents: [onlyFolded]).first?.highlightedTexts, ["bán độ", "thị"])
        let both = Document(id: "1", title: "", body: "Vụ bán độ và tấm bản đồ thị xã.")
        XCTAssertEqual(try snippets("bản đồ", documents: [both], scoring: .bm25).first?.highlightedTexts, ["bản", "đồ"])
        XCTAssertEqual(try snippets("bản đồ", documents: [both]).first?.highlightedTexts, ["bản đồ"])
    }

    func testEmptyShortAndPunctuationOnlyFields() throws {
        var result = try snippets("đảng", documents: [Document(id: "1", title: "Đảng", body: "")])
        XCTAssertEqual(result.map(\.field), ["title"])
        XCTAssertEqual(result.first?.text, "Đảng")
        XCTAssertEqual(result.first?.startsAtFieldStart, true)
        XCTAssertEqual(result.first?.endsAtFieldEnd, true)
        result = try snippets("đảng", documents: [Document(id: "1", title: "“Đảng”", body: "…!?")], count: 3)
        XCTAssertEqual(result.map(\.text), ["“Đảng”"])
        // No match in a text field (an id query): the beginning of the longest field, unmarked.
        let doc = Document(id: "abc", title: "Tiêu đề", body: "Một hai ba bốn năm sáu bảy tám chín mười.")
        result = try snippets("id:abc", documents: [doc], length: 15)
        XCTAssertEqual(result.map(\.text), ["Một hai ba bốn"])
        XCTAssertEqual(result.first?.highlights.count, 0)
    }

    func testNoSnippetsUnlessAskedAndBadOptionsRejected() throws {
        let index = Index.inMemory()
        try self.index([Document(id: "1", title: "Đảng", body: "đảng viên")], into: index)
        XCTAssertEqual(try index.searcher().search("đảng").first?.snippets.count, 0)
        var options = SearchOptions()
        options.snippets = -1
        assertThrows(try index.searcher().search("đảng", options: options),
                     .invalidArgument("snippets must be >= 0 (got -1)"))
        options.snippets = 1
        options.snippetLength = 0
        assertThrows(try index.searcher().search("đảng", options: options),
                     .invalidArgument("snippet length must be >= 1 (got 0)"))
    }
}
