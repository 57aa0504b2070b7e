import XCTest
@testable import VietSearchAnalysis

final class SyllableValidityTests: XCTestCase {
    func testEveryHunspellSyllableIsValid() throws {
        let syllables = try FixtureFiles.lines("vi-syllables.txt")
        XCTAssertEqual(syllables.count, 6605)
        let rejected = syllables.filter { !isValidSyllable($0) }
        XCTAssertEqual(rejected, [], "valid dictionary syllables rejected")
    }

    /// The loan list must only hold what the spelling rules really reject, so it cannot hide a rule bug.
    func testLoanExceptionsAreExactlyTheRuleBreakers() throws {
        let syllables = try FixtureFiles.lines("vi-syllables.txt")
        for loan in VietnameseSyllable.dictionaryLoans {
            XCTAssertTrue(syllables.contains(loan), "\(loan) is not in the dictionary")
        }
        // The spelling rules alone accept the other 6,589 entries and reject every exception.
        let ruleRejected = syllables.filter { !VietnameseSyllable.followsSpellingRules($0) }
        XCTAssertEqual(Set(ruleRejected), VietnameseSyllable.dictionaryLoans)
        XCTAssertEqual(ruleRejected.count, VietnameseSyllable.dictionaryLoans.count)
    }

    func testBothTonePlacementsAndCapitalsAreValid() {
        for word in ["hoà", "hòa", "thuỷ", "thủy", "khoẻ", "khỏe", "Việt", "ĐẢNG", "quốc", "giếng", "gìn",
                     "nghiêng", "khuỷu", "yêu", "quyết", "ngoằn", "oẳn", "ươn", "kỹ", "ý"] {
            XCTAssertTrue(isValidSyllable(word), word)
        }
    }

    func testNonSyllablesAreRejected() {
        let words = ["string", "english", "hello", "world", "code", "list", "is", "ok", "fix", "java", "U23",
                     "H5N1", "4G", "qa", "bk", "", "ngi", "ce", "gha", "kan", "iêu", "tyên", "hoàà", "việtt",
                     "tèt", "hoc", "dap", "xích̀", "đảngs", "ñ", "a b", "chào-", "ẳy", "quu"]
        for word in words {
            XCTAssertFalse(isValidSyllable(word), word)
        }
    }

    func testStopFinalsTakeOnlySacOrNang() {
        for (word, valid) in [("tết", true), ("tệt", true), ("tềt", false), ("tểt", false), ("tễt", false),
                              ("học", true), ("hòc", false), ("sách", true), ("sảch", false), ("đẹp", true),
                              ("đẻp", false), ("ban", true), ("bàn", true), ("bản", true)] {
            XCTAssertEqual(isValidSyllable(word), valid, word)
        }
    }

    func testTwoTonesAreRejected() {
        XCTAssertFalse(isValidSyllable("hóà"))
        XCTAssertFalse(isValidSyllable("ngưởí"))
    }
}
