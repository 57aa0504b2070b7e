import Foundation
import XCTest
@testable import VietSearch

/// Helpers for snippet tests: search one small index, check every snippet's invariants.
class SnippetTestCase: FacadeTestCase {
    /// Searches and returns the first hit's snippets.
    func snippets(_ query: String, documents: [Document], count: Int = 1, length: Int = 160,
                  fields: [String]? = nil, scoring: ScoringModel = SearchOptions().scoring,
                  file: StaticString = #filePath, line: UInt = #line) throws -> [Snippet] {
        let index = Index.inMemory()
        try self.index(documents, into: index)
        var options = SearchOptions(limit: 10)
        options.snippets = count
        options.snippetLength = length
        options.snippetFields = fields
        options.scoring = scoring
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
        // Never inside a multi-byte sequence; edges are token edges or whitespace.
        let endOffset = snippet.byteOffset + bytes.count
        let tokens = Index.analyze(stored)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        if snippet.byteOffset > 0 {
            XCTAssertNotEqual(storedBytes[snippet.byteOffset] & 0xC0, 0x80, file: file, line: line)
            XCTAssertTrue(isSpace(storedBytes[snippet.byteOffset - 1]) || tokens.contains { $0.start == snippet.byteOffset },
                          "fragment starts inside a word: \(snippet.text)", file: file, line: line)
        }
        if endOffset < storedBytes.count {
            XCTAssertNotEqual(storedBytes[endOffset] & 0xC0, 0x80, file: file, line: line)
            XCTAssertTrue(isSpace(storedBytes[endOffset]) || tokens.contains { $0.end == endOffset },
                          "fragment ends inside a word: \(snippet.text)", file: file, line: line)
        }
        // Only whitespace may lie outside a fragment that claims to reach the field's edge.
        XCTAssertEqual(snippet.startsAtFieldStart, storedBytes[..<snippet.byteOffset].allSatisfy(isSpace), file: file, line: line)
        XCTAssertEqual(snippet.endsAtFieldEnd, storedBytes[min(endOffset, storedBytes.count)...].allSatisfy(isSpace),
                       file: file, line: line)
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

    func nfd(_ text: String) -> String { text.decomposedStringWithCanonicalMapping }

    /// The fixture article (Fixtures/snippets/article.txt).
    func article() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("Fixtures/snippets/article.txt"), encoding: .utf8)
    }

    /// `text` with highlights in brackets, for readable assertions.
    func marked(_ snippet: Snippet) -> String {
        let bytes = Array(snippet.text.utf8)
        var out = ""
        var last = 0
        for range in snippet.highlights {
            out += String(decoding: bytes[last..<range.start], as: UTF8.self) + "["
                + String(decoding: bytes[range.start..<range.end], as: UTF8.self) + "]"
            last = range.end
        }
        return out + String(decoding: bytes[last...], as: UTF8.self)
    }
}
