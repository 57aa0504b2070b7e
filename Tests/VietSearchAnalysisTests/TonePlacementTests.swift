import XCTest
import Foundation
import VietSearchAnalysis

/// Exact keys put the tone on the 2018 main vowel (VIETNAMESE.md §3). Vectors are hand-written or come
/// from Fixtures/analysis (hunspell-vi, derived with Python's unicodedata).
final class TonePlacementTests: XCTestCase {
    private let analyzer = VietnameseAnalyzer()

    private func key(_ word: String) -> String? {
        let tokens = analyzer.analyze(word).tokens
        return tokens.count == 1 ? tokens[0].exact : nil
    }

    private func folded(_ word: String) -> String? {
        let tokens = analyzer.analyze(word).tokens
        return tokens.count == 1 ? tokens[0].folded : nil
    }

    func testEveryOpenOaOeUySyllableBothWays() throws {
        let rows = try FixtureFiles.lines("oa-oe-uy-open-syllables.tsv").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.count, 69)
        for row in rows {
            let (old, canonical, fold) = (row[0], row[1], row[2])
            XCTAssertNotEqual(old, canonical)
            XCTAssertEqual(key(old), canonical, old)
            XCTAssertEqual(key(canonical), canonical, canonical)
            XCTAssertEqual(key(old.uppercased()), canonical, old.uppercased())
            XCTAssertEqual(key(old.decomposedStringWithCanonicalMapping), canonical, "NFD \(old)")
            XCTAssertEqual(folded(old), fold, old)
            XCTAssertEqual(folded(canonical), fold, canonical)
        }
    }

    func testHandPickedPairs() {
        let pairs = [("hòa", "hoà"), ("hoà", "hoà"), ("HOÀ", "hoà"), ("ủy", "uỷ"), ("uỷ", "uỷ"), ("khóa", "khoá"),
                     ("khoá", "khoá"), ("thủy", "thuỷ"), ("tùy", "tuỳ"), ("khỏe", "khoẻ"), ("xòe", "xoè"),
                     ("Hóa", "hoá"), ("họa", "hoạ")]
        for (input, expected) in pairs { XCTAssertEqual(key(input), expected, input) }
    }

    func testClosedSyllablesPutToneOnSecondVowel() {
        XCTAssertEqual(key("hoàn"), "hoàn")
        XCTAssertEqual(key("hòan"), "hoàn")
        XCTAssertEqual(key("huỳnh"), "huỳnh")
        XCTAssertEqual(key("hùynh"), "huỳnh")
        XCTAssertEqual(key("khoét"), "khoét")
        XCTAssertEqual(key("khóet"), "khoét")
        XCTAssertEqual(key("toán"), "toán")
    }

    func testThreeVowelsPutToneOnMiddleOne() {
        XCTAssertEqual(key("ngoài"), "ngoài")
        XCTAssertEqual(key("ngòai"), "ngoài")
        XCTAssertEqual(key("khuỷu"), "khuỷu")
        XCTAssertEqual(key("khủyu"), "khuỷu")
        XCTAssertEqual(key("ngoẹo"), "ngoẹo")
    }

    func testShapedVowelTakesTheTone() {
        XCTAssertEqual(key("người"), "người")
        XCTAssertEqual(key("ngừơi"), "người")
        XCTAssertEqual(key("thuở"), "thuở")
        XCTAssertEqual(key("thủơ"), "thuở")
        XCTAssertEqual(key("tuổi"), "tuổi")
        XCTAssertEqual(key("Nguyễn"), "nguyễn")
        XCTAssertEqual(key("quyết"), "quyết")
    }

    func testOtherDiphthongsPutToneOnFirstVowel() {
        XCTAssertEqual(key("bìa"), "bìa")
        XCTAssertEqual(key("bià"), "bìa")
        XCTAssertEqual(key("của"), "của")
        XCTAssertEqual(key("cuả"), "của")
        XCTAssertEqual(key("lửa"), "lửa")
        XCTAssertEqual(key("máy"), "máy")
    }

    func testQuAndGiInitials() {
        XCTAssertEqual(key("quý"), "quý")
        XCTAssertEqual(key("qúy"), "quý")
        XCTAssertEqual(key("quà"), "quà")
        XCTAssertEqual(key("qùa"), "quà")
        XCTAssertEqual(key("giữ"), "giữ")
        XCTAssertEqual(key("già"), "già")
        XCTAssertEqual(key("gìa"), "già")
        XCTAssertEqual(key("gì"), "gì")
        XCTAssertEqual(key("gìn"), "gìn")
    }

    func testNonSyllablesKeepTheirMarks() {
        XCTAssertEqual(key("café"), "café")
        XCTAssertEqual(key("jòa"), "jòa")      // j is no Vietnamese initial
        XCTAssertEqual(key("hòaà"), "hòaà")    // two tones
        XCTAssertEqual(key("hòas"), "hòas")    // s is no final
        XCTAssertEqual(key("Zürich"), "zürich")
    }

    /// Every hunspell-vi syllable is written in main-vowel style, so each must be its own exact key,
    /// also from NFD and uppercase input.
    func testEveryDictionarySyllableIsCanonical() throws {
        let syllables = try FixtureFiles.lines("vi-syllables.txt")
        XCTAssertEqual(syllables.count, 6605)
        var foldedKeys = Set<String>()
        for syllable in syllables {
            XCTAssertEqual(key(syllable), syllable)
            XCTAssertEqual(key(syllable.decomposedStringWithCanonicalMapping), syllable)
            XCTAssertEqual(key(syllable.uppercased()), syllable)
            if let fold = folded(syllable) { foldedKeys.insert(fold) }
        }
        // Folding merges the 6,605 syllables into ~1.5k keys (VIETNAMESE.md §5; fewer here because
        // consonant + y also folds onto consonant + i).
        XCTAssertLessThan(foldedKeys.count, 1_600)
        XCTAssertGreaterThan(foldedKeys.count, 1_500)
    }
}
