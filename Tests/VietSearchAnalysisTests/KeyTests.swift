import XCTest
import VietSearchAnalysis

/// Exact and folded keys, and the flag that picks which one a query token matches.
final class KeyTests: XCTestCase {
    private let analyzer = VietnameseAnalyzer()

    private func token(_ word: String) -> Token? {
        let tokens = analyzer.analyze(word).tokens
        return tokens.count == 1 ? tokens[0] : nil
    }

    func testUppercaseIsLowered() {
        XCTAssertEqual(token("ĐẢNG")?.exact, "đảng")
        XCTAssertEqual(token("ĐẢNG")?.folded, "dang")
        XCTAssertEqual(token("ƯỚC")?.exact, "ước")
        XCTAssertEqual(token("Hà")?.exact, "hà")
    }

    func testOtherLatinLettersLowerAndFold() {
        XCTAssertEqual(token("İstanbul")?.exact, "istanbul")
        XCTAssertEqual(token("İstanbul")?.folded, "istanbul")
        XCTAssertEqual(token("ÇAFÉ")?.exact, "çafé")
        XCTAssertEqual(token("ÇAFÉ")?.folded, "cafe")
        XCTAssertEqual(token("Ærø")?.folded, "ærø")  // letters without a decomposition keep their form
        XCTAssertEqual(token("ΣΟΦΊΑ")?.exact, "σοφία")
    }

    func testFoldingRemovesEveryMarkAndDStroke() {
        let cases = [("đảng", "dang"), ("Đồng", "dong"), ("ước", "uoc"), ("mẫu", "mau"), ("ăn", "an"),
                     ("ấy", "ay"), ("êm", "em"), ("ông", "ong"), ("ở", "o"), ("ửng", "ung"), ("HĐND", "hdnd")]
        for (word, expected) in cases { XCTAssertEqual(token(word)?.folded, expected, word) }
    }

    func testOpenConsonantPlusYFoldsToI() {
        let cases = [("kỹ", "ki"), ("kĩ", "ki"), ("quý", "qui"), ("ty", "ti"), ("lý", "li"), ("lí", "li"),
                     ("Mỹ", "mi"), ("thy", "thi"), ("nghỹ", "nghi"), ("đỷ", "di")]
        for (word, expected) in cases { XCTAssertEqual(token(word)?.folded, expected, word) }
        // Exact keys keep the spelling.
        XCTAssertEqual(token("kỹ")?.exact, "kỹ")
        XCTAssertEqual(token("ty")?.exact, "ty")
    }

    func testYThatIsNotAnOpenConsonantSyllableStays() {
        let cases = [("y", "y"), ("ý", "y"), ("uỷ", "uy"), ("tuỳ", "tuy"), ("tay", "tay"), ("máy", "may"),
                     ("quyết", "quyet"), ("yêu", "yeu"), ("kỳy", "kyy")]
        for (word, expected) in cases { XCTAssertEqual(token(word)?.folded, expected, word) }
    }

    func testNumbersAndCodesFoldToTheirExactKey() {
        for word in ["2.500.000", "13/09/2022", "u23", "H5N1", "4G", "F5", "1y"] {
            guard let token = token(word) else { return XCTFail(word) }
            XCTAssertEqual(token.folded, token.exact, word)
            XCTAssertEqual(token.exact, word.lowercased(), word)
        }
    }

    func testHasNonASCIILetter() {
        XCTAssertEqual(token("đảng")?.hasNonASCIILetter, true)
        XCTAssertEqual(token("Đ")?.hasNonASCIILetter, true)
        XCTAssertEqual(token("a\u{300}")?.hasNonASCIILetter, true)   // NFD à
        XCTAssertEqual(token("dang")?.hasNonASCIILetter, false)
        XCTAssertEqual(token("U23")?.hasNonASCIILetter, false)
        XCTAssertEqual(token("2022")?.hasNonASCIILetter, false)
        XCTAssertEqual(token("café")?.hasNonASCIILetter, true)
    }

    func testJoinedFormKeys() {
        let tokens = analyzer.analyze("HĐND-UBND").tokens
        XCTAssertEqual(tokens.map(\.exact), ["hđnd", "ubnd", "hđndubnd"])
        XCTAssertEqual(tokens.map(\.folded), ["hdnd", "ubnd", "hdndubnd"])
        XCTAssertEqual(tokens.map(\.hasNonASCIILetter), [true, false, true])
    }

    func testSeedNoisyFormsShareKeys() throws {
        let text = try FixtureFiles.text("seed-lines.txt")
        let tokens = analyzer.analyze(text).tokens
        let texts = Set(tokens.map(\.text))
        for form in ["uỷ", "ủy", "khoá", "khóa", "23", "điểm"] { XCTAssertTrue(texts.contains(form), form) }
        XCTAssertFalse(texts.contains("23điểm"))
        let uy = Set(tokens.filter { $0.text == "uỷ" || $0.text == "ủy" }.map(\.exact))
        XCTAssertEqual(uy, ["uỷ"])
        let khoa = Set(tokens.filter { $0.text == "khoá" || $0.text == "khóa" }.map(\.exact))
        XCTAssertEqual(khoa, ["khoá"])
        XCTAssertFalse(tokens.contains { $0.text.unicodeScalars.contains("\u{A0}") })
        let result = analyzer.analyze(text)
        XCTAssertEqual(result.tokens.map(\.position), Array(0..<result.positionCount))
    }
}
