import Foundation
import XCTest
@testable import VietSearch
import VietSearchTestSupport

/// Random texts (syllables with marks in NFC or NFD, emoji, punctuation, odd spaces) and queries built
/// from their words: every snippet keeps its invariants (a slice of the stored bytes cut at token edges,
/// byte and scalar highlights agreeing) and marks only words whose keys the query asked for.
final class SnippetFuzzTests: SnippetTestCase {

    private static let words = ["đảng", "Đảng", "viên", "đang", "hoà", "hòa", "thuỷ", "thủy", "Việt", "Nam",
                                "cấp", "ủy", "uỷ", "bản", "đồ", "bán", "độ", "2.500.000", "U23", "TP.HCM", "a-lô",
                                "quý", "kỹ", "thuật", "người", "được", "NGƯỜI"]
    private static let separators = [" ", " ", " ", ", ", ". ", "\n", "\t", " 🇻🇳 ", " “", "” ", " (", ") ", "\u{00A0}",
                                     "😀", " – "]

    func testRandomTextsKeepSnippetInvariants() throws {
        var random = SeededGenerator(seed: 20_261_122)
        var checked = 0
        for round in 0..<60 {
            var body = ""
            for _ in 0..<Int.random(in: 5...120, using: &random) {
                var word = Self.words.randomElement(using: &random) ?? "a"
                if Bool.random(using: &random) { word = word.decomposedStringWithCanonicalMapping }
                body += word + (Self.separators.randomElement(using: &random) ?? " ")
            }
            let picked = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                Self.words.randomElement(using: &random) ?? "a"
            }
            let folded = picked.map { $0.folding(options: .diacriticInsensitive, locale: nil).replacingOccurrences(of: "đ", with: "d")
                .replacingOccurrences(of: "Đ", with: "D") }
            let query = Bool.random(using: &random) ? picked.joined(separator: " ") : folded.joined(separator: " ")
            let index = Index.inMemory()
            try self.index([Document(id: "1", title: "", body: body)], into: index)
            var options = SearchOptions(limit: 1)
            options.snippets = Int.random(in: 1...4, using: &random)
            options.snippetLength = Int.random(in: 1...200, using: &random)
            guard let hit = try index.searcher().search(query, options: options).first else { continue }
            checked += 1
            XCTAssertFalse(hit.snippets.isEmpty, "round \(round): \(query)")
            XCTAssertLessThanOrEqual(hit.snippets.count, options.snippets)
            let wanted = Set(Index.analyze(query).flatMap { [$0.exact, $0.folded] })
            for snippet in hit.snippets {
                assertConsistent(snippet, hit: hit)
                for word in snippet.highlightedTexts {
                    let keys = Index.analyze(word).flatMap { [$0.exact, $0.folded] }
                    XCTAssertFalse(wanted.isDisjoint(with: keys), "round \(round): \(word) marked for \(query)")
                }
            }
        }
        XCTAssertGreaterThan(checked, 40, "most rounds must find their document")
    }
}
