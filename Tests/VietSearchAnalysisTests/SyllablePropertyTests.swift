import XCTest
import Foundation
import VietSearchAnalysis

/// Property: however a syllable is typed (NFC, NFD, tone before shape mark, tone on any of its vowels,
/// upper case), its exact and folded keys are byte-identical. References for NFC, NFD and case come
/// from Foundation and the stdlib, not from the analyser's tables.
final class SyllablePropertyTests: XCTestCase {
    private let analyzer = VietnameseAnalyzer()

    private static let initials = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n",
                                   "ng", "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
    private static let nuclei = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
                                 "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe",
                                 "oi", "ôi", "ơi", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu",
                                 "yê", "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu"]
    private static let finals = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
    private static let tones: [Unicode.Scalar] = ["\u{301}", "\u{300}", "\u{309}", "\u{303}", "\u{323}"]
    private static let shapes: Set<Unicode.Scalar> = ["\u{302}", "\u{306}", "\u{31B}"]

    /// One vowel of the nucleus as a base letter and its optional shape mark (from Foundation's NFD).
    private struct Vowel {
        var base: Unicode.Scalar
        var shape: Unicode.Scalar?
    }

    private func vowels(_ nucleus: String) -> [Vowel] {
        var result: [Vowel] = []
        for scalar in nucleus.decomposedStringWithCanonicalMapping.unicodeScalars {
            if Self.shapes.contains(scalar), !result.isEmpty {
                result[result.count - 1].shape = scalar
            } else {
                result.append(Vowel(base: scalar, shape: nil))
            }
        }
        return result
    }

    /// The syllable in NFD with the tone on vowel `tonePosition`, after the shape mark or before it.
    private func spell(_ initial: String, _ nucleus: [Vowel], _ final: String, tone: Unicode.Scalar,
                       tonePosition: Int, toneFirst: Bool) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: initial.decomposedStringWithCanonicalMapping.unicodeScalars)
        for (index, vowel) in nucleus.enumerated() {
            text.append(vowel.base)
            if index == tonePosition && toneFirst { text.append(tone) }
            if let shape = vowel.shape { text.append(shape) }
            if index == tonePosition && !toneFirst { text.append(tone) }
        }
        text.append(contentsOf: final.unicodeScalars)
        return String(text)
    }

    private func keys(_ text: String) -> [String] {
        analyzer.analyze(text).tokens.flatMap { [$0.exact, $0.folded] }
    }

    func testSpellingsOfOneSyllableShareKeys() {
        var checked = 0
        for (nucleusIndex, nucleus) in Self.nuclei.enumerated() {
            let parts = vowels(nucleus)
            for (finalIndex, final) in Self.finals.enumerated() {
                for (toneIndex, tone) in Self.tones.enumerated() {
                    // Three initials per combination, rotating, keeps the test fast but covers them all.
                    for step in 0..<3 {
                        let initial = Self.initials[(nucleusIndex * 7 + finalIndex * 5 + toneIndex * 3 + step * 9)
                                                    % Self.initials.count]
                        if initial == "gi" && (nucleus.hasPrefix("i") || nucleus.hasPrefix("y")) { continue }
                        if initial == "qu" && nucleus.hasPrefix("u") { continue }
                        let reference = spell(initial, parts, final, tone: tone, tonePosition: 0, toneFirst: false)
                        let expected = keys(reference)
                        XCTAssertEqual(expected.count, 2, reference)
                        var spellings = [reference.precomposedStringWithCanonicalMapping,
                                         reference.precomposedStringWithCanonicalMapping.uppercased(),
                                         reference.uppercased()]
                        for position in parts.indices {
                            for toneFirst in [false, true] {
                                let nfd = spell(initial, parts, final, tone: tone, tonePosition: position,
                                                toneFirst: toneFirst)
                                spellings += [nfd, nfd.precomposedStringWithCanonicalMapping,
                                              nfd.precomposedStringWithCanonicalMapping.uppercased()]
                            }
                        }
                        for spelling in spellings {
                            XCTAssertEqual(Array(keys(spelling).joined(separator: "|").utf8),
                                           Array(expected.joined(separator: "|").utf8), spelling)
                        }
                        // The exact key is NFC and keeps the tone; the folded key is plain ASCII.
                        if expected.count == 2 {
                            XCTAssertEqual(Array(expected[0].utf8),
                                           Array(expected[0].precomposedStringWithCanonicalMapping.utf8))
                            XCTAssertEqual(expected[0].decomposedStringWithCanonicalMapping.unicodeScalars
                                            .filter { Self.tones.contains($0) }, [tone])
                            XCTAssertEqual(expected[1], foldedReference(initial, parts, final), reference)
                        }
                        checked += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 6_000)
    }

    /// VIETNAMESE.md §4 folded key, computed from the parts: marks dropped, đ → d, open consonant + y → i.
    private func foldedReference(_ initial: String, _ nucleus: [Vowel], _ final: String) -> String {
        let base = initial.replacingOccurrences(of: "đ", with: "d")
        let vowelText = String(String.UnicodeScalarView(nucleus.map(\.base)))
        if !base.isEmpty && vowelText == "y" && final.isEmpty { return base + "i" }
        if base == "qu" && vowelText == "y" && final.isEmpty { return "qui" }
        return base + vowelText + final
    }
}
