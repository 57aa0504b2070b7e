import XCTest
import VietSearchAnalysis

final class TypingResidueTests: XCTestCase {
    func testTelexVectors() {
        let vectors: [(String, String)] = [
            ("ddangr", "đảng"), ("vieejt", "việt"), ("nam", ""), ("tieengs", "tiếng"), ("nguwowif", "người"),
            ("nguowif", "người"), ("uwowcs", "ước"), ("duwowngf", "dường"), ("dduwowngf", "đường"), ("truwowngf", "trường"),
            ("hoaf", "hoà"), ("hoaf", "hoà"), ("thuyr", "thuỷ"), ("quys", "quý"), ("khoer", "khoẻ"),
            ("nawm", "năm"), ("awn", "ăn"), ("ddaay", "đây"), ("ddoongf", "đồng"), ("ees", "ế"),
            ("w", "ư"), ("tw", "tư"), ("thw", "thư"), ("mowr", "mở"), ("DDangr", "đảng"),
            ("hocj", "học"), ("giuwx", "giữ"), ("nghieeng", "nghiêng"), ("tooi", "tôi"),
            ("xaay", "xây"), ("duwngj", "dựng"), ("vieejtz", ""), ("hoafz", "hoa"), ("khuyur", "khuỷu"),
        ]
        for (token, expected) in vectors {
            XCTAssertEqual(TypingResidueDecoder.decodeTelex(token), expected.isEmpty ? nil : expected, token)
        }
    }

    func testVNIVectors() {
        let vectors: [(String, String)] = [
            ("d9a3ng", "đảng"), ("vie65t", "việt"), ("vie6t5", "việt"), ("ngu7o72i", "người"),
            ("ngu7o7i2", "người"), ("d9u7o72ng", "đường"), ("hoa2", "hoà"), ("thuy3", "thuỷ"),
            ("na8m", "năm"), ("d9a6y", "đây"), ("to6i", "tôi"), ("ho5c", "học"), ("D9A3NG", "đảng"),
            ("mo73", "mở"), ("tu7", "tư"), ("quy1", "quý"),
        ]
        for (token, expected) in vectors {
            XCTAssertEqual(TypingResidueDecoder.decodeVNI(token), expected, token)
        }
    }

    func testCodesAndPlainWordsDoNotDecode() {
        for token in ["U23", "H5N1", "4G", "F5", "2022", "nam", "dang", "viet", "xin", "chào", "đảng", "ab1",
                      "hoc2", "a12", "d9", "COVID19", "ddd", "hello", "sass", "zzz", "việts"] {
            XCTAssertNil(TypingResidueDecoder.decode(token), token)
        }
    }

    /// Known limit, documented: English words can be valid Telex residue, hence fallback-only use.
    func testSomeEnglishWordsDecode() {
        XCTAssertEqual(TypingResidueDecoder.decode("is"), "í")
        XCTAssertEqual(TypingResidueDecoder.decode("list"), "lít")
    }

    func testDecodeTriesTelexThenVNI() {
        XCTAssertEqual(TypingResidueDecoder.decode("ddangr"), "đảng")
        XCTAssertEqual(TypingResidueDecoder.decode("d9a3ng"), "đảng")
        XCTAssertNil(TypingResidueDecoder.decodeTelex("d9a3ng"))
        XCTAssertNil(TypingResidueDecoder.decodeVNI("ddangr"))
    }

    func testEveryDecodedFormIsAValidSyllable() {
        let letters = Array("adeghinostuwrfjx")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let length = Int.random(in: 1...7, using: &generator)
            let token = String((0..<length).map { _ in letters.randomElement(using: &generator) ?? "a" })
            if let decoded = TypingResidueDecoder.decode(token) {
                XCTAssertTrue(isValidSyllable(decoded), "\(token) → \(decoded)")
            }
        }
    }
}
