/// How Vietnamese a decoding looks: the share of words that are valid syllables carrying a mark
/// (`VietnameseSyllable`), with every non-ASCII symbol that Vietnamese text does not use (`µ`, `©`,
/// `»`, `‡`, controls) counted as a failed word. Words without marks count in the denominator only, so
/// they weigh the same in every candidate decoding; a right decoding of Vietnamese scores about 0.6–0.9,
/// a wrong one near 0.
enum EncodingScore {
    /// Only the first `sampleLimit` scalars are scored: enough to decide, and bounded for huge files.
    static let sampleLimit = 1 << 16

    static func score(_ text: String) -> Double {
        var sample = String.UnicodeScalarView()
        var symbols = 0
        for scalar in text.unicodeScalars.prefix(sampleLimit) {
            sample.append(scalar)
            if scalar.value >= 0x80 && !isExpected(scalar) { symbols += 1 }
        }
        let tokens = VietnameseAnalyzer().analyze(String(sample)).tokens
        var words = 0
        var marked = 0
        let tables = AnalysisTables.shared
        for token in tokens {
            var hasLetter = false
            var hasNonASCII = false
            for scalar in token.exact.unicodeScalars {
                if tables.kind(of: scalar.value) == .letter { hasLetter = true }
                if scalar.value >= 0x80 { hasNonASCII = true }
            }
            guard hasLetter else { continue }
            words += 1
            if hasNonASCII && isValidSyllable(token.exact) { marked += 1 }
        }
        let denominator = words + symbols
        return denominator == 0 ? 0 : Double(marked) / Double(denominator)
    }

    /// Non-ASCII scalars at home in Vietnamese text: letters, combining marks, typographic punctuation.
    private static func isExpected(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xA0, 0xAB, 0xBB, 0xB0, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2022, 0xFEFF:
            return true
        case 0x300...0x36F:
            return true
        default:
            return VietnameseVowels.isDistinctlyVietnamese(scalar.value) || Self.plainVietnameseLatin1(scalar.value)
        }
    }

    /// Latin-1 letters used by Vietnamese: à á â ã è é ê ì í ò ó ô õ ù ú ý and capitals.
    private static func plainVietnameseLatin1(_ value: UInt32) -> Bool {
        switch value | 0x20 {
        case 0xE0, 0xE1, 0xE2, 0xE3, 0xE8, 0xE9, 0xEA, 0xEC, 0xED, 0xF2, 0xF3, 0xF4, 0xF5, 0xF9, 0xFA, 0xFD:
            return value >= 0xC0
        default:
            return false
        }
    }
}
