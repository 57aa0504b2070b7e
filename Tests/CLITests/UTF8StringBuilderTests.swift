import CBitUnpack
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
        // The word check (the AVX2 check's fallback without AVX2) on its own.
        let words = bytes.withUnsafeBufferPointer { UTF8StringBuilder.checkWordByWord($0) }
        XCTAssertEqual(words, String(validating: bytes, as: UTF8.self).map { _ in bytes.allSatisfy { $0 < 0x80 } },
                       "bytes \(bytes.map { String($0, radix: 16) })", file: file, line: line)
        // The sequence-by-sequence check (the word check's fallback for rare lead bytes) on its own.
        let slow = bytes.withUnsafeBufferPointer { UTF8StringBuilder.checkSequenceBySequence($0) }
        let expected = String(validating: bytes, as: UTF8.self).map { _ in bytes.allSatisfy { $0 < 0x80 } }
        XCTAssertEqual(slow, expected, "bytes \(bytes.map { String($0, radix: 16) })", file: file, line: line)
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

    /// 32 bytes of Vietnamese text (two- and three-byte letters, no rare lead byte, so the word check
    /// decides alone): every byte replaced by bytes that break it (or not) at every position, which
    /// puts the damage at every lane of each of the four words and next to every word boundary.
    func testEveryPositionOfA32ByteChunk() {
        let text = Array("Người dân đã được hưởng ở Hà Nội".utf8)
        XCTAssertGreaterThanOrEqual(text.count, 32)
        let chunk = Array(text.prefix(32))
        for shift in 0..<8 {
            let shifted = Array(repeating: 0x61, count: shift) + chunk
            assertAgrees(shifted)
            for position in shifted.indices {
                for replacement: UInt8 in [0x00, 0x41, 0x80, 0xA0, 0xBB, 0xBF, 0xC0, 0xC1, 0xC3, 0xC4, 0xDF, 0xE0, 0xE1,
                                           0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF] {
                    var damaged = shifted
                    damaged[position] = replacement
                    assertAgrees(damaged)
                }
                var removed = shifted
                removed.remove(at: position)
                assertAgrees(removed)
                assertAgrees(Array(shifted[..<position]))
                assertAgrees(Array(shifted[position...]))
            }
        }
    }

    /// The AVX2 check takes 32 bytes at a time and carries the last three into the next block: damage
    /// at every position of 100 bytes of Vietnamese text (so at every lane of four blocks and across each
    /// block boundary), and the same strings cut at every length. Also: the kernel is the one checked here.
    func testEveryPositionAcrossThirtyTwoByteBlocks() {
        let switchedOff = getenv("VIETSEARCH_NO_SIMD").map { String(cString: $0) }.map { $0 != "" && $0 != "0" } ?? false
        XCTAssertEqual(vs_unpack_simd_enabled() != 0, Self.cpuHasAVX2 && !switchedOff,
                       "these tests must run the AVX2 check where the CPU has it")
        let text = Array("Thủ tướng đã yêu cầu các bộ, ngành đẩy mạnh cải cách: 23điểm “khoá” và ‘cấp uỷ’ 😀!".utf8)
        XCTAssertGreaterThanOrEqual(text.count, 100)
        let long = Array(text.prefix(100))
        for shift in 0..<3 {
            let shifted = Array(repeating: 0x61, count: shift) + long
            for position in shifted.indices {
                for replacement: UInt8 in [0x00, 0x41, 0x80, 0x9F, 0xA0, 0xBF, 0xC1, 0xC3, 0xE0, 0xE1, 0xED, 0xF0, 0xF4, 0xF5] {
                    var damaged = shifted
                    damaged[position] = replacement
                    assertAgrees(damaged)
                }
                assertAgrees(Array(shifted[..<position]))
                var removed = shifted
                removed.remove(at: position)
                assertAgrees(removed)
            }
        }
    }

    /// Whether CPUID reports AVX2 (Linux: the `avx2` flag in /proc/cpuinfo).
    private static let cpuHasAVX2: Bool = {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return info.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").contains("avx2") ?? false
    }()

    /// Sequences cut short where a word ends, where the string ends, and continued across a word
    /// boundary, at every offset: the carried-over expectation must be met, exactly, in the next word.
    func testSequencesAcrossWordAndStringEnds() {
        let sequences: [[UInt8]] = [Array("đ".utf8), Array("ệ".utf8), Array("😀".utf8), Array("\u{800}".utf8),
                                    Array("\u{D7FF}".utf8), Array("\u{E000}".utf8), Array("\u{10FFFF}".utf8)]
        for prefix in 0..<17 {
            let lead = Array(repeating: UInt8(0x61), count: prefix)
            for sequence in sequences {
                for cut in 0...sequence.count {
                    let truncated = Array(sequence[..<cut])
                    assertAgrees(lead + truncated)
                    assertAgrees(lead + truncated + Array(repeating: 0x62, count: 9))
                    assertAgrees(lead + truncated + [0x80] + Array(repeating: 0x62, count: 9))
                    assertAgrees(lead + truncated + Array("ư".utf8) + Array(repeating: 0x62, count: 9))
                }
            }
        }
    }

    /// Overlong forms, surrogates and scalars above U+10FFFF, alone and inside Vietnamese text.
    func testOverlongsSurrogatesAndTooLargeScalars() {
        let invalid: [[UInt8]] = [[0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],
                                  [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xED, 0xA0, 0x80],
                                  [0xED, 0xBF, 0xBF], [0xED, 0xB0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                  [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFE], [0xFF]]
        let text = Array("Thủ đô Hà Nội ".utf8)
        for sequence in invalid {
            for split in [0, 3, 7, text.count] {
                let bytes = Array(text[..<split]) + sequence + Array(text[split...])
                assertAgrees(bytes)
                XCTAssertNil(bytes.withUnsafeBufferPointer { UTF8StringBuilder.check($0) })
            }
        }
        for valid in [[0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]] as [[UInt8]] {
            XCTAssertEqual((text + valid + text).withUnsafeBufferPointer { UTF8StringBuilder.check($0) }, false)
        }
    }
}
