import Foundation
import XCTest
import VietSearchAnalysis

/// Every dictionary syllable typed as Telex and VNI keystrokes (built from its Unicode decomposition, not
/// from the decoder's tables) decodes back to itself.
final class TypingRoundTripTests: XCTestCase {
    private static let toneKeys: [Unicode.Scalar: (telex: String, vni: String)] = [
        "\u{301}": ("s", "1"), "\u{300}": ("f", "2"), "\u{309}": ("r", "3"), "\u{303}": ("x", "4"),
        "\u{323}": ("j", "5"),
    ]

    /// Keystrokes for `syllable`: shape keys right after their letter, the tone key at the end.
    private func keystrokes(_ syllable: String) -> (telex: String, vni: String, marked: Bool) {
        var telex = "", vni = "", toneTelex = "", toneVNI = ""
        var marked = false
        for scalar in syllable.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar {
            case "\u{302}":
                telex.append(String(telex.last ?? "a")); vni += "6"; marked = true
            case "\u{306}":
                telex += "w"; vni += "8"; marked = true
            case "\u{31B}":
                telex += "w"; vni += "7"; marked = true
            case "đ":
                telex += "dd"; vni += "d9"; marked = true
            default:
                if let tone = Self.toneKeys[scalar] {
                    toneTelex = tone.telex; toneVNI = tone.vni; marked = true
                } else {
                    telex.unicodeScalars.append(scalar); vni.unicodeScalars.append(scalar)
                }
            }
        }
        return (telex + toneTelex, vni + toneVNI, marked)
    }

    func testEveryMarkedSyllableRoundTripsThroughTelexAndVNI() throws {
        let syllables = try FixtureFiles.lines("vi-syllables.txt")
        var checked = 0
        var telexFailures: [String] = [], vniFailures: [String] = []
        for syllable in syllables {
            let keys = keystrokes(syllable)
            guard keys.marked else { continue }
            // Telex cannot tell a doubled letter from a circumflex (`soóc` typed `soocs` is `sốc`).
            let plain = syllable.decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.value < 0x80 }
            let plainText = String(String.UnicodeScalarView(plain))
            checked += 1
            if !plainText.contains("oo") && !plainText.contains("aa") && !plainText.contains("ee"),
               TypingResidueDecoder.decodeTelex(keys.telex) != syllable {
                telexFailures.append("\(keys.telex)→\(TypingResidueDecoder.decodeTelex(keys.telex) ?? "nil") (\(syllable))")
            }
            if TypingResidueDecoder.decodeVNI(keys.vni) != syllable {
                vniFailures.append("\(keys.vni)→\(TypingResidueDecoder.decodeVNI(keys.vni) ?? "nil") (\(syllable))")
            }
        }
        XCTAssertGreaterThan(checked, 5900)
        XCTAssertEqual(telexFailures, [])
        XCTAssertEqual(vniFailures, [])
    }
}
