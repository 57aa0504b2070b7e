import VietSearchTestSupport
import XCTest
@testable import vietsearch

/// `UTF8StringBuilder` must accept exactly the byte strings the standard library's
/// `String(validating:as:)` accepts (the oracle: an independent, byte-by-byte validator) and give the
/// same strings, byte for byte, whatever the alignment of the multi-byte sequences to its 8-byte steps.
final class UTF8StringBuilderTests: XCTestCase {
    private func assertAgrees(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        bytes.withUnsafeBufferPointer { buffer in
            let expected = String(validating: buffer, as: UTF8.self)
            let got = UTF8StringBuilder.string(validating: buffer)
            XCTAssertEqual(got == nil, expected == nil, "bytes \(bytes.map { String($0, radix: 16) })", file: file, line: line)
            guard let got, let expected else { return }
            XCTAssertEqual(Array(got.utf8), bytes, file: file, line: line)
            XCTAssertEqual(got, expected, file: file, line: line)
            XCTAssertEqual(got.unicodeScalars.count, expected.unicodeScalars.count, file: file, line: line)
            XCTAssertEqual(UTF8StringBuilder.check(buffer), bytes.allSatisfy { $0 < 0x80 }, file: file, line: line)
        }
    }

    /// Every boundary of table 3-7 as the first, second, third or fourth byte, at every offset in a word.
    func testEveryLeadAndSecondByteAtEveryOffset() {
        let leads: [UInt8] = [0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0,
                              0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF]
        let seconds: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        for prefix in 0..<10 {
            for lead in leads {
                for second in seconds {
                    for tail in [[], [0x80], [0x80, 0x80], [0xBF, 0xBF, 0x41], [0x41, 0x80]] as [[UInt8]] {
                        assertAgrees(Array(repeating: 0x61, count: prefix) + [lead, second] + tail)
                        assertAgrees(Array(repeating: 0x61, count: prefix) + [lead, second] + tail + Array(repeating: 0x62, count: 9))
                    }
                }
                assertAgrees(Array(repeating: 0x61, count: prefix) + [lead])
            }
        }
    }

    /// Random mixes of well-formed and broken sequences; and Vietnamese text with one byte changed.
    func testRandomBytesAndDamagedVietnameseText() {
        let pieces: [[UInt8]] = [Array("a".utf8), Array(" ".utf8), Array("Người".utf8), Array("đã".utf8),
                                 Array("ở".utf8), Array("😀".utf8), Array("\u{10FFFF}".utf8), Array("\u{FFFF}".utf8),
                                 Array("\u{D7FF}".utf8), Array("\u{E000}".utf8), Array("\u{80}".utf8), Array("\u{800}".utf8),
                                 Array("\u{10000}".utf8), [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x9F, 0xBF],
                                 [0xF0, 0x8F, 0xBF, 0xBF], [0xC1, 0xBF], [0x80], [0xE1, 0x80], [0xF0, 0x90, 0x80]]
        var random = SeededGenerator(seed: 2026)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<random.next(below: 12) { bytes += pieces[random.next(below: pieces.count)] }
            assertAgrees(bytes)
        }
        for _ in 0..<5_000 {
            var bytes = (0..<random.next(below: 24)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            assertAgrees(bytes)
            bytes = bytes.map { $0 & 0x7F }
            assertAgrees(bytes)
        }
        let text = Array("Đội tuyển U23 Việt Nam thắng 2-0, người hâm mộ ăn mừng khắp phố phường Hà Nội.".utf8)
        assertAgrees(text)
        for index in text.indices {
            for replacement: UInt8 in [0x20, 0x80, 0xBF, 0xC3, 0xE1, 0xFF] {
                var damaged = text
                damaged[index] = replacement
                assertAgrees(damaged)
            }
            assertAgrees(Array(text[..<index]))
        }
    }

    func testEmptyAndLongStrings() {
        assertAgrees([])
        assertAgrees(Array(String(repeating: "Thủ đô Hà Nội ", count: 500).utf8))
        assertAgrees(Array(String(repeating: "ascii only ", count: 500).utf8))
    }
}
