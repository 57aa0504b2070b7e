import XCTest
import VietSearchAnalysis
@testable import VietSearchQuery
import VietSearchTestSupport

/// Restoration (the suggestion) is skipped, without analysing the query, when no token can be a word typed
/// without marks (`DiacriticRestorer.mayHaveBareWord`). Skipping must never hide a restorable token.
final class RestorationRuleTests: XCTestCase {
    func testExamples() {
        for query in ["nguyen", "Hà noi", "vn2đ", "đ.a", "x\u{301}", "ａｂｃ", "привет", "dọc OR b", "ĐẢNG x"] {
            XCTAssertTrue(DiacriticRestorer.mayHaveBareWord(query), query)
        }
        for query in ["", "2020", "nguyễn", "Hà Nội", "ĐẢNG", "bố-mẹ", "  dọc  ", "12 đảng viên"] {
            XCTAssertFalse(DiacriticRestorer.mayHaveBareWord(query), query)
        }
    }

    /// Random text from letters with and without marks (both cases), digits, punctuation, spaces, combining
    /// marks and other scripts: whenever the rule skips, every token the analyser makes carries a non-ASCII
    /// letter or has no marked spelling at all, so restoring could not have changed it.
    func testSkippingNeverHidesARestorableToken() {
        let pieces: [String] = ["a", "n", "g", "y", "e", "N", "D", "ễ", "Ễ", "đ", "Đ", "ư", "ơ", "ấ", "0", "7", " ", " ",
                                ".", "'", ",", "/", "_", "\u{301}", "\u{323}", "ａ", "ß", "ſ", "я", "中", "\u{a0}", "ﬁ"]
        var generator = SeededGenerator(seed: 4)
        let analyzer = VietnameseAnalyzer()
        var skipped = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...10, using: &generator)
            let query = (0..<length).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
            guard !DiacriticRestorer.mayHaveBareWord(query) else { continue }
            skipped += 1
            for token in analyzer.analyze(query).tokens where !token.isJoinedForm {
                XCTAssertTrue(token.hasNonASCIILetter || MarkVariants.spellings(of: token.folded).isEmpty,
                              "\(query.unicodeScalars.map { String($0.value, radix: 16) }): token \(token.text)")
            }
        }
        XCTAssertGreaterThan(skipped, 1_000)
    }

    /// The scalar pre-scan of the syntax test answers exactly as testing each character: a syntax scalar
    /// followed by a combining mark is another character, so such a query is not syntax.
    func testSyntaxScanAgreesWithTheCharacterTest() {
        let pieces: [String] = ["a", "đ", " ", "\"", "“", "”", ":", "(", ")", "*", "~", "^", "+", "-", "\u{301}", "\u{323}", "x"]
        var generator = SeededGenerator(seed: 5)
        var syntaxCount = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...6, using: &generator)
            let query = (0..<length).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
            let expected = query.contains(where: { DiacriticRestorer.syntax.contains($0) })
            XCTAssertEqual(DiacriticRestorer.usesSyntax(query), expected, query)
            if expected { syntaxCount += 1 }
        }
        XCTAssertGreaterThan(syntaxCount, 1_000)
        XCTAssertFalse(DiacriticRestorer.usesSyntax("-\u{301}dang"))
        XCTAssertTrue(DiacriticRestorer.usesSyntax("dang-vien"))
        XCTAssertFalse(DiacriticRestorer.usesSyntax("dang vien"))
    }

    /// The byte test for operator words (`hasPlainOperatorWord`) never claims one the `Character` split
    /// does not find, and `hasOperatorWord` answers exactly as the split: random strings of operator
    /// words, their letters, spaces, combining marks after spaces, prepended marks (U+0600 joins the
    /// space after it into one `Character`), ZWJ, a spacing mark, CR/LF, Vietnamese letters (1-, 2- and
    /// 3-byte UTF-8), an emoji and an emoji modifier (4 bytes, the modifier an extender).
    func testOperatorWordTestAgreesWithTheSplit() {
        let pieces: [String] = ["AND", "OR", "NOT", "A", "O", "N", "D", "R", "T", " ", " ", " ", "x", "đ", "ố",
                                "\u{301}", "\u{600}", "\u{200D}", "\u{93F}", "\r", "\n", "\u{a0}", "ư", "ẫ",
                                "\u{1F600}", "\u{1F3FB}"]
        var generator = SeededGenerator(seed: 6)
        var found = 0, byBytes = 0
        for _ in 0..<30_000 {
            let length = Int.random(in: 1...7, using: &generator)
            let query = (0..<length).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
            let expected = query.split(separator: " ").contains(where: { $0 == "AND" || $0 == "OR" || $0 == "NOT" })
            let plain = DiacriticRestorer.hasPlainOperatorWord(query)
            if plain {
                XCTAssertTrue(expected, "\(query.unicodeScalars.map { String($0.value, radix: 16) })")
                byBytes += 1
            }
            XCTAssertEqual(DiacriticRestorer.hasOperatorWord(query), expected,
                           "\(query.unicodeScalars.map { String($0.value, radix: 16) })")
            if expected { found += 1 }
        }
        // Seed 6 gives 1,253 strings with an operator word, 1,143 of them found by the byte test.
        XCTAssertGreaterThan(found, 1_000)
        XCTAssertGreaterThan(byBytes, 800)
        for query in ["lạc OR xon", "lẫn AND genchanges", "NOT x", "a OR", "OR", "hứng OR ước", "ư AND ẫ"] {
            XCTAssertTrue(DiacriticRestorer.hasPlainOperatorWord(query), query)
            XCTAssertFalse(DiacriticRestorer.mayRestore(query), query)
        }
        for query in ["ORx", "xOR y", "\u{600} OR x", "a OR \u{301}b", "ư OR \u{301}b", "\u{1F600} OR x", "dang vien",
                      "ANDROID"] {
            XCTAssertFalse(DiacriticRestorer.hasPlainOperatorWord(query), query)
        }
        XCTAssertTrue(DiacriticRestorer.mayRestore("dang vien"))
        XCTAssertFalse(DiacriticRestorer.mayRestore("đảng viên"))
        XCTAssertFalse(DiacriticRestorer.mayRestore("\"dang vien\""))
    }
}
