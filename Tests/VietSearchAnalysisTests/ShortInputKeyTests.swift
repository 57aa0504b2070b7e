import XCTest
@testable import VietSearchAnalysis
import VietSearchTestSupport

/// Inputs shorter than `TokenKeyCache.minimumByteCount` (query words) are keyed without the key cache.
/// Their tokens must be exactly those the cached path gives: the same text analysed with trailing spaces
/// (no tokens, same positions) that take it past the threshold, where repeated tokens reuse cached keys.
final class ShortInputKeyTests: XCTestCase {
    func testShortInputsGiveTheTokensOfTheCachedPath() {
        let pieces: [String] = ["đảng", "Đảng", "viên", "dang", "ky", "Ky", "TP", ".", "HCM", "-", "QS", "23",
                                "điểm", "2.500", "ð", "Ð", "u", "\u{301}", "e", "ơ", " ", " ", " ", "x", "H5N1", "y"]
        var generator = SeededGenerator(seed: 8)
        let analyzer = VietnameseAnalyzer()
        var short = 0, repeated = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...8, using: &generator)
            let text = (0..<length).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
            guard text.utf8.count < TokenKeyCache.minimumByteCount else { continue }
            short += 1
            let padded = text + String(repeating: " ", count: TokenKeyCache.minimumByteCount)
            let plain = analyzer.analyze(text), cached = analyzer.analyze(padded)
            XCTAssertEqual(plain, cached, text)
            if Set(plain.tokens.map(\.text)).count < plain.tokens.count { repeated += 1 }
        }
        // Seed 8 gave 102 texts with a repeated token in 5,000 draws: ~400 in these 20,000.
        XCTAssertGreaterThan(short, 4_000)
        XCTAssertGreaterThan(repeated, 200)
    }
}
