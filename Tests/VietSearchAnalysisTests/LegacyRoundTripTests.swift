import Foundation
import XCTest
import VietSearchAnalysis

/// All 6,605 dictionary syllables, lowercase and capitalised, encoded by an encoder written here from the
/// encodings' definitions (VIQR, RFC 1456; VNI-Windows mark bytes) over Unicode decomposition, then
/// decoded by `LegacyDecoder`.
final class LegacyRoundTripTests: XCTestCase {
    private func allSyllablesText() throws -> String {
        let syllables = try FixtureFiles.lines("vi-syllables.txt")
        let capitalised = syllables.map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return (syllables + capitalised).joined(separator: " ")
    }

    private static let viqrTones: [Unicode.Scalar: String] = [
        "\u{301}": "'", "\u{300}": "`", "\u{309}": "?", "\u{303}": "~", "\u{323}": ".",
    ]

    /// VIQR: shape then tone characters after the vowel; đ is dd. Tone characters go right after the
    /// (shaped) vowel; `.`/`?` that would end the text are still marks because a letter or space follows.
    private func viqr(_ text: String) -> String {
        var output = ""
        // NFD puts the dot below (class 220) before the circumflex (230); RFC 1456 writes shape first.
        var scalars = Array(text.decomposedStringWithCanonicalMapping.unicodeScalars)
        for index in scalars.indices.dropLast() where scalars[index] == "\u{323}"
            && ["\u{302}", "\u{306}", "\u{31B}"].contains(scalars[index + 1]) {
            scalars.swapAt(index, index + 1)
        }
        for scalar in scalars {
            switch scalar {
            case "\u{302}": output += "^"
            case "\u{306}": output += "("
            case "\u{31B}": output += "+"
            case "đ": output += "dd"
            case "Đ": output += "DD"
            default: output += Self.viqrTones[scalar] ?? String(scalar)
            }
        }
        return output
    }

    func testVIQRDecodesEverySyllable() throws {
        let text = try allSyllablesText()
        // Separate words by " x " so no word-final `.` or `?` is followed by a capital (a sentence end).
        let spaced = text.split(separator: " ").joined(separator: " x ") + " x"
        let decoded = try LegacyDecoder.decode(bytes: Array(viqr(spaced).utf8), encoding: .viqr).text
        let mismatches = zip(decoded.split(separator: " "), spaced.split(separator: " ")).filter {
            Array($0.0.utf8) != Array($0.1.utf8)
        }
        XCTAssertEqual(mismatches.prefix(10).map { "\($0.0) ≠ \($0.1)" }, [])
        XCTAssertEqual(Array(decoded.utf8), Array(spaced.utf8))
    }

    /// VNI-Windows from the font's definition: tone bytes ù ø û õ ï, circumflex â (+ tone á à å ã ä),
    /// breve ê (+ tone é è ú ü ë); own letters for i-tones, ỵ, đ, ơ, ư. Uppercase bytes are 0x20 lower.
    private func vni(_ text: String) -> [UInt8] {
        let tones: [UInt32: UInt8] = [0x301: 0xF9, 0x300: 0xF8, 0x309: 0xFB, 0x303: 0xF5, 0x323: 0xEF]
        let circumflexTones: [UInt32: UInt8] = [0: 0xE2, 0x301: 0xE1, 0x300: 0xE0, 0x309: 0xE5, 0x303: 0xE3, 0x323: 0xE4]
        let breveTones: [UInt32: UInt8] = [0: 0xEA, 0x301: 0xE9, 0x300: 0xE8, 0x309: 0xFA, 0x303: 0xFC, 0x323: 0xEB]
        let iTones: [UInt32: UInt8] = [0x301: 0xED, 0x300: 0xEC, 0x309: 0xE6, 0x303: 0xF3, 0x323: 0xF2]
        var bytes: [UInt8] = []
        for character in text {
            let scalars = Array(String(character).decomposedStringWithCanonicalMapping.unicodeScalars)
            guard let base = scalars.first else { continue }
            let upper = base.properties.isUppercase
            let caseShift: UInt8 = upper ? 0x20 : 0
            let lowerBase = base.properties.lowercaseMapping.unicodeScalars.first?.value ?? base.value
            let marks = scalars.dropFirst().map(\.value)
            let shape = marks.first { $0 == 0x302 || $0 == 0x306 || $0 == 0x31B } ?? 0
            let tone = marks.first { [0x301, 0x300, 0x309, 0x303, 0x323].contains($0) } ?? 0
            if lowerBase == 0x111 { bytes.append(0xF1 - caseShift); continue }
            if lowerBase == 0x69 && tone != 0, let byte = iTones[tone] { bytes.append(byte - caseShift); continue }
            if lowerBase == 0x79 && tone == 0x323 { bytes.append(0xEE - caseShift); continue }
            if shape == 0x31B {
                bytes.append((lowerBase == 0x6F ? 0xF4 : 0xF6) - caseShift)
                if let byte = tones[tone] { bytes.append(byte - caseShift) }
                continue
            }
            bytes.append(UInt8(truncatingIfNeeded: base.value))
            if shape == 0x302, let byte = circumflexTones[tone] { bytes.append(byte - caseShift) }
            else if shape == 0x306, let byte = breveTones[tone] { bytes.append(byte - caseShift) }
            else if let byte = tones[tone] { bytes.append(byte - caseShift) }
        }
        return bytes
    }

    func testVNIDecodesEverySyllable() throws {
        let text = try allSyllablesText()
        let encoded = vni(text)
        XCTAssertTrue(encoded.contains(0xE4))  // the encoder produced VNI, not UTF-8
        let decoded = try LegacyDecoder.decode(bytes: encoded, encoding: .vni).text
        XCTAssertEqual(decoded.split(separator: " ").count, text.split(separator: " ").count)
        let mismatches = zip(decoded.split(separator: " "), text.split(separator: " ")).filter {
            Array($0.0.utf8) != Array($0.1.utf8)
        }
        XCTAssertEqual(mismatches.prefix(10).map { "\($0.0) ≠ \($0.1)" }, [])
        let auto = try LegacyDecoder.decode(bytes: encoded, encoding: .auto)
        XCTAssertEqual(auto.chosen, .vni)
    }

    func testMojibakeRepairsEverySyllable() throws {
        let text = try allSyllablesText()
        let broken = String(String.UnicodeScalarView(Array(text.utf8).compactMap {
            Unicode.Scalar(cp1252($0))
        }))
        let result = try LegacyDecoder.decode(bytes: Array(broken.utf8), encoding: .auto)
        XCTAssertEqual(result.chosen, .utf8Mojibake)
        XCTAssertEqual(Array(result.text.utf8), Array(text.utf8))
    }

    /// TCVN3, VISCII and CP1258 through the system's iconv, explicit and detected.
    func testIconvEncodingsDecodeEverySyllable() throws {
        let text = try allSyllablesText()
        for (charset, encoding) in [("TCVN5712-1", LegacyDecoder.Encoding.tcvn3), ("VISCII", .viscii),
                                     ("CP1258", .cp1258)] {
            guard let encoded = try LegacyDecoderTests.iconv(text, to: charset) else { continue }
            let decoded = try LegacyDecoder.decode(bytes: encoded, encoding: encoding).text
            let mismatches = zip(decoded.split(separator: " "), text.split(separator: " ")).filter {
                Array($0.0.utf8) != Array($0.1.utf8)
            }
            XCTAssertEqual(mismatches.prefix(10).map { "\($0.0) ≠ \($0.1)" }, [], charset)
            XCTAssertEqual(Array(decoded.utf8), Array(text.utf8), charset)
            XCTAssertEqual(try LegacyDecoder.decode(bytes: encoded, encoding: .auto).chosen, encoding, charset)
        }
    }

    /// Windows-1252 from Microsoft's table (the C1 holes 81 8D 8F 90 9D kept as C1 controls).
    private func cp1252(_ byte: UInt8) -> UInt32 {
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160,
                              0x2039, 0x152, 0x8D, 0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                              0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178]
        return (0x80..<0xA0).contains(byte) ? high[Int(byte - 0x80)] : UInt32(byte)
    }
}
