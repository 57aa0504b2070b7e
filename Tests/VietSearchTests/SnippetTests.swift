import Foundation
import XCTest
@testable import VietSearch

/// Snippets: offsets slice exactly the matched words (bytes and scalars), in NFC and NFD text, with the
/// query's own matching rules.
final class SnippetTests: FacadeTestCase {
    /// Searches and returns the first hit's snippets.
    func snippets(_ query: String, documents: [Document], count: Int = 1, length: Int = 160,
                  fields: [String]? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> [Snippet] {
        let index = Index.inMemory()
        try self.index(documents, into: index)
        var options = SearchOptions(limit: 10)
        options.snippets = count
        options.snippetLength = length
        options.snippetFields = fields
        let results = try index.searcher().search(query, options: options)
        guard let hit = results.first else {
            XCTFail("no hit for \(query)", file: file, line: line)
            return []
        }
        for snippet in hit.snippets { assertConsistent(snippet, hit: hit, file: file, line: line) }
        return hit.snippets
    }

    /// Byte and scalar highlights select the same text; the fragment is the stored value's bytes at
    /// `byteOffset`, cut at token boundaries.
    func assertConsistent(_ snippet: Snippet, hit: SearchHit, file: StaticString = #filePath, line: UInt = #line) {
        guard let stored = hit[snippet.field] else {
            return XCTFail("snippet of unknown field \(snippet.field)", file: file, line: line)
        }
        let storedBytes = Array(stored.utf8)
        let bytes = Array(snippet.text.utf8)
        XCTAssertLessThanOrEqual(snippet.byteOffset + bytes.count, storedBytes.count, file: file, line: line)
        XCTAssertEqual(Array(storedBytes[snippet.byteOffset..<min(storedBytes.count, snippet.byteOffset + bytes.count)]),
                       bytes, "fragment is not a slice of the stored bytes", file: file, line: line)
        // Never inside a multi-byte sequence, never inside a word.
        let endOffset = snippet.byteOffset + bytes.count
        if snippet.byteOffset > 0 {
            XCTAssertNotEqual(storedBytes[snippet.byteOffset] & 0xC0, 0x80, file: file, line: line)
            XCTAssertFalse(isWordByte(storedBytes[snippet.byteOffset - 1]) && isWordByte(storedBytes[snippet.byteOffset]),
                           "fragment starts inside a word: \(snippet.text)", file: file, line: line)
        }
        if endOffset < storedBytes.count {
            XCTAssertNotEqual(storedBytes[endOffset] & 0xC0, 0x80, file: file, line: line)
            XCTAssertFalse(isWordByte(storedBytes[endOffset - 1]) && isWordByte(storedBytes[endOffset]),
                           "fragment ends inside a word: \(snippet.text)", file: file, line: line)
        }
        XCTAssertEqual(snippet.startsAtFieldStart, snippet.byteOffset == 0, file: file, line: line)
        XCTAssertEqual(snippet.endsAtFieldEnd, endOffset == storedBytes.count, file: file, line: line)
        XCTAssertEqual(snippet.highlights.count, snippet.characterHighlights.count, file: file, line: line)
        let scalars = Array(snippet.text.unicodeScalars)
        var previousEnd = 0
        for (byteRange, scalarRange) in zip(snippet.highlights, snippet.characterHighlights) {
            XCTAssertLessThan(byteRange.start, byteRange.end, file: file, line: line)
            XCTAssertGreaterThanOrEqual(byteRange.start, previousEnd, "highlights overlap", file: file, line: line)
            previousEnd = byteRange.end
            let byBytes = String(decoding: bytes[byteRange.start..<byteRange.end], as: UTF8.self)
            var byScalars = String.UnicodeScalarView()
            byScalars.append(contentsOf: scalars[scalarRange.start..<scalarRange.end])
            XCTAssertEqual(Array(byBytes.utf8), Array(String(byScalars).utf8), file: file, line: line)
        }
    }

    /// Letters, digits and continuation/lead bytes of non-ASCII scalars (all Vietnamese letters and marks).
    private func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    func nfd(_ text: String) -> String { text.decomposedStringWithCanonicalMapping }

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
        let result = try snippets("dang vien", documents: [Document(id: "1", title: "", body: body)])
        XCTAssertEqual(result.first?.highlightedTexts, ["Đảng", "đảng", "viên"])
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

    func testPrefixAndAbbreviationHighlights() throws {
        let doc = Document(id: "1", title: "", body: "Người Việt ở TP.HCM và Hà Nội.")
        XCTAssertEqual(try snippets("việ*", documents: [doc]).first?.highlightedTexts, ["Việt"])
        XCTAssertEqual(try snippets("TP.HCM", documents: [doc]).first?.highlightedTexts, ["TP.HCM"])
    }

    func testFoldedFallbackOnlyWhenNoExactOccurrence() throws {
        // `bản đồ` never occurs exactly: the folded `bán độ` explains the match (two-level ranking).
        let onlyFolded = Document(id: "1", title: "", body: "Vụ bán độ bị phát hiện ở thị xã.")
        XCTAssertEqual(try snippets("bản đồ thị", documents: [onlyFolded]).first?.highlightedTexts,
                       ["bán", "độ", "thị"])
        let both = Document(id: "1", title: "", body: "Vụ bán độ và tấm bản đồ thị xã.")
        XCTAssertEqual(try snippets("bản đồ", documents: [both]).first?.highlightedTexts, ["bản", "đồ"])
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
