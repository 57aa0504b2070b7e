import XCTest
import VietSearchAnalysis
@testable import VietSearchQuery

final class MarkVariantsTests: XCTestCase {
    func testCompatibilityKeepsEveryTypedMark() {
        XCTAssertTrue(MarkVariants.isCompatible(typed: "đang", candidate: "đảng"))
        XCTAssertTrue(MarkVariants.isCompatible(typed: "đang", candidate: "đang"))
        XCTAssertFalse(MarkVariants.isCompatible(typed: "đang", candidate: "dáng"))  // đ typed
        XCTAssertTrue(MarkVariants.isCompatible(typed: "viêt", candidate: "việt"))
        XCTAssertFalse(MarkVariants.isCompatible(typed: "viêt", candidate: "viét"))  // ê typed
        XCTAssertFalse(MarkVariants.isCompatible(typed: "bản", candidate: "bán"))  // another tone
        XCTAssertFalse(MarkVariants.isCompatible(typed: "bán", candidate: "bắn"))  // a tone typed: the word is complete
        XCTAssertFalse(MarkVariants.isCompatible(typed: "dảng", candidate: "đảng"))
        XCTAssertTrue(MarkVariants.isCompatible(typed: "đang", candidate: "đăng"))  // no tone: unshown shapes are free
        XCTAssertTrue(MarkVariants.isCompatible(typed: "kỹ", candidate: "kĩ"))  // i/y are one letter when folded
        XCTAssertFalse(MarkVariants.isCompatible(typed: "hơn", candidate: "hôn"))  // another shape
    }

    func testSpellingsCoverEveryRealSyllableOfAFoldedKey() throws {
        // Every syllable of the hunspell-vi list must be generated from its own folded key (the list also holds
        // a few loans, `internet`, `intranet`, and the letter `v`: longer than a syllable or without a vowel).
        var url = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        let text = try String(contentsOf: url.appendingPathComponent("Fixtures/analysis/vi-syllables.txt"), encoding: .utf8)
        let analyzer = VietnameseAnalyzer()
        var cache: [String: Set<String>] = [:]
        var missing: [String] = []
        for line in text.split(separator: "\n") {
            guard let token = analyzer.analyze(String(line)).tokens.first,
                  token.folded.unicodeScalars.count <= MarkVariants.maxSyllableLength,
                  token.folded.unicodeScalars.contains(where: VietnameseLetters.isVowel) else { continue }
            let spellings = cache[token.folded] ?? Set(MarkVariants.spellings(of: token.folded))
            cache[token.folded] = spellings
            if !spellings.contains(token.exact) { missing.append(token.exact) }
        }
        XCTAssertEqual(missing, [])
        XCTAssertGreaterThan(cache.count, 1000)
    }

    func testNonSyllablesHaveNoSpellings() {
        XCTAssertEqual(MarkVariants.spellings(of: "h5n1"), [])
        XCTAssertEqual(MarkVariants.spellings(of: "nghieenggg"), [])
        XCTAssertEqual(MarkVariants.spellings(of: "bcd"), [])
        XCTAssertTrue(MarkVariants.spellings(of: "dang").contains("đảng"))
    }
}
