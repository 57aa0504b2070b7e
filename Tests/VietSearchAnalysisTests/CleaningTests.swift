import XCTest
import VietSearchAnalysis

/// The cleaning step (VIETNAMESE.md §2) and the byte offsets it must preserve. Inputs spell their marks
/// with explicit scalar escapes so that the test source cannot be normalised by accident.
final class CleaningTests: XCTestCase {
    private let analyzer = VietnameseAnalyzer()

    private func scalars(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

    func testInvisibleCharactersAreDeleted() {
        let input = "\u{FEFF}đả\u{200B}ng vi\u{00AD}ên a\u{200C}b\u{200D}c"
        XCTAssertEqual(scalars(analyzer.clean(input)), scalars("đảng viên abc"))
        XCTAssertEqual(analyzer.analyze(input).tokens.map(\.exact), ["đảng", "viên", "abc"])
    }

    func testSpaceSeparatorsBecomeSpaces() {
        XCTAssertEqual(analyzer.clean("a\u{00A0}b\u{202F}c\u{2007}d\u{3000}e"), "a b c d e")
        XCTAssertEqual(analyzer.analyze("09:24\u{00A0}|\u{00A0}Lượt").tokens.map(\.text), ["09:24", "Lượt"])
    }

    func testOtherSeparatorsAreKeptByClean() {
        XCTAssertEqual(analyzer.clean("a,\tb\n“c”"), "a,\tb\n“c”")
    }

    func testDecomposedInputIsComposed() {
        // "Việt" in NFD: e + dot below + circumflex.
        XCTAssertEqual(scalars(analyzer.clean("Vie\u{323}\u{302}t")), [0x56, 0x69, 0x1EC7, 0x74])
        // circumflex then dot below gives the same letter.
        XCTAssertEqual(scalars(analyzer.clean("Vie\u{302}\u{323}t")), [0x56, 0x69, 0x1EC7, 0x74])
        XCTAssertEqual(scalars(analyzer.clean("\u{110}a\u{309}ng")), [0x110, 0x1EA3, 0x6E, 0x67])
    }

    func testToneBeforeShapeIsReordered() {
        XCTAssertEqual(scalars(analyzer.clean("e\u{301}\u{302}")), [0x1EBF])                // ế
        XCTAssertEqual(scalars(analyzer.clean("\u{E9}\u{302}")), [0x1EBF])                 // é + circumflex
        XCTAssertEqual(scalars(analyzer.clean("u\u{300}\u{31B}")), [0x1EEB])               // ừ
        XCTAssertEqual(scalars(analyzer.clean("A\u{303}\u{306}")), [0x1EB4])               // Ẵ
        XCTAssertEqual(analyzer.analyze("nghie\u{301}\u{302}n").tokens.map(\.exact), ["nghiến"])
    }

    func testMarksOfOtherScriptsAndUncomposablePairsStay() {
        XCTAssertEqual(scalars(analyzer.clean("q\u{301}")), [0x71, 0x301])
        XCTAssertEqual(analyzer.clean("ภาษาไทย हिन्दी"), "ภาษาไทย हिन्दी")
        XCTAssertEqual(scalars(analyzer.clean("\u{301}a")), [0x301, 0x61])  // a mark with no base
    }

    func testGeneralLatinCompositions() {
        XCTAssertEqual(scalars(analyzer.clean("c\u{327}a n\u{303}o u\u{308}")), [0xE7, 0x61, 0x20, 0xF1, 0x6F, 0x20, 0xFC])
    }

    func testEthIsRepairedInVietnameseWords() {
        XCTAssertEqual(scalars(analyzer.clean("\u{D0}\u{1EA3}ng")), scalars("\u{110}\u{1EA3}ng"))   // Ðảng
        XCTAssertEqual(scalars(analyzer.clean("\u{F0}i")), scalars("\u{111}i"))                     // ði
        XCTAssertEqual(scalars(analyzer.clean("H\u{D0}ND t\u{1EC9}nh \u{D0}\u{1ED8}I")),
                       scalars("H\u{D0}ND t\u{1EC9}nh \u{110}\u{1ED8}I"))
        XCTAssertEqual(analyzer.analyze("12\u{F0}o").tokens.map(\.exact), ["12", "\u{111}o"])
        let token = analyzer.analyze("\u{D0}\u{1EA3}ng").tokens[0]
        XCTAssertEqual(token.exact, "\u{111}\u{1EA3}ng")
        XCTAssertEqual(token.folded, "dang")
        XCTAssertEqual(token.text, "\u{D0}\u{1EA3}ng")  // text keeps the input's spelling
    }

    func testEthRepairSeesLetterRepairedEarlierInTheWord() {
        // The second ETH starts a syllable before a vowel; once repaired, its word is Vietnamese, so the
        // first ETH (before a digit) is repaired too, and cleaning again changes nothing.
        let cleaned = analyzer.clean("x\u{F0}2\u{D0}u")
        XCTAssertEqual(scalars(cleaned), scalars("x\u{111}2\u{110}u"))
        XCTAssertEqual(analyzer.clean(cleaned), cleaned)
    }

    func testEthInOtherLanguagesStays() {
        XCTAssertEqual(analyzer.clean("Gu\u{F0}r\u{FA}n me\u{F0}"), "Gu\u{F0}r\u{FA}n me\u{F0}")
    }

    func testOffsetsAreIntoTheOriginalInput() {
        // "a" ZWSP "bc" → one token spanning the ZWSP's three bytes.
        let zwsp = analyzer.analyze("x a\u{200B}bc y")
        XCTAssertEqual(zwsp.tokens.map(\.start), [0, 2, 9])
        XCTAssertEqual(zwsp.tokens.map(\.end), [1, 8, 10])
        XCTAssertEqual(zwsp.tokens[1].text, "a\u{200B}bc")
        XCTAssertEqual(zwsp.tokens[1].exact, "abc")

        // NFD "Việt Nam": V i e U+0323 U+0302 t = 1+1+1+2+2+1 bytes.
        let nfd = analyzer.analyze("Vie\u{323}\u{302}t Nam")
        XCTAssertEqual(nfd.tokens.map(\.start), [0, 9])
        XCTAssertEqual(nfd.tokens.map(\.end), [8, 12])
        XCTAssertEqual(nfd.tokens[0].exact, "vi\u{1EC7}t")
        XCTAssertEqual(Array(nfd.tokens[0].text.unicodeScalars.map(\.value)), [0x56, 0x69, 0x65, 0x323, 0x302, 0x74])

        // A BOM and an NBSP before the first token shift it by their bytes.
        let shifted = analyzer.analyze("\u{FEFF}\u{00A0}đảng")
        XCTAssertEqual(shifted.tokens[0].start, 5)
        XCTAssertEqual(shifted.tokens[0].end, 5 + "đảng".utf8.count)
    }

    func testReorderedMarksStayInsideTheTokenSpan() {
        // q + grave + horn: neither composes onto q; the shape mark is moved first, yet the token must
        // still end after the last input byte of the run.
        let input = "q\u{300}\u{31B} x"
        let token = analyzer.analyze(input).tokens[0]
        XCTAssertEqual(token.end, 5)
        XCTAssertEqual(Array(token.exact.unicodeScalars.map(\.value)), [0x71, 0x31B, 0x300])
    }

    func testOffsetsSliceTheInputToTheTokenText() {
        let input = "“Cấp ủy” – QS-QP, TP.HCM: 2.500.000đ & Covid-19 (H5N1)…"
        let bytes = Array(input.utf8)
        for token in analyzer.analyze(input).tokens {
            XCTAssertEqual(String(decoding: bytes[token.start..<token.end], as: UTF8.self), token.text)
        }
    }
}
