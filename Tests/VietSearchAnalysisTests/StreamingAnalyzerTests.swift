import XCTest
import Foundation
import CBitUnpack
import VietSearchAnalysis
import VietSearchTestSupport

/// `StreamingAnalyzer` (fast path on bytes, cached keys) must give exactly the tokens of
/// `VietnameseAnalyzer.analyze`: positions, offsets, both keys and flags, for every input.
final class StreamingAnalyzerTests: XCTestCase {
    private let reference = VietnameseAnalyzer()

    /// The streaming tokens of `text` as `Token`s (without `text`, which the streaming API does not make).
    private func streamed(_ analyzer: StreamingAnalyzer, _ text: String, chunkBytes: Int) -> AnalyzedText {
        var tokens: [Token] = []
        let positions = analyzer.analyze(text, chunkBytes: chunkBytes, token: { token in
            tokens.append(Token(text: "", position: token.position, exact: String(decoding: token.exact, as: UTF8.self),
                                folded: String(decoding: token.folded, as: UTF8.self), start: token.start,
                                end: token.end, isJoinedForm: token.isJoinedForm,
                                hasNonASCIILetter: token.hasNonASCIILetter))
        }, pieceEnd: {})
        return AnalyzedText(tokens: tokens, positionCount: positions)
    }

    private func expected(_ text: String) -> AnalyzedText {
        var result = reference.analyze(text)
        for index in result.tokens.indices { result.tokens[index].text = "" }
        return result
    }

    /// Checks `texts` with one analyser per path (so the key cache carries over between texts), whole
    /// and in small pieces; the fast path with its word-splitting kernel (`vs_split_words`, where the CPU
    /// has AVX2) and without.
    private func assertIdentical(_ texts: [String], chunkSizes: [Int] = [1 << 30, 64],
                                 file: StaticString = #filePath, line: UInt = #line) {
        let fast = StreamingAnalyzer()
        let general = StreamingAnalyzer(generalPathOnly: true)
        let kernelsWere = vs_unpack_simd_enabled()
        defer { _ = vs_unpack_set_simd_enabled(kernelsWere) }
        for text in texts {
            let wanted = expected(text)
            for chunkBytes in chunkSizes {
                for (analyzer, kernels) in [(fast, 1), (fast, 0), (general, 1)] {
                    _ = vs_unpack_set_simd_enabled(Int32(kernels))
                    let got = streamed(analyzer, text, chunkBytes: chunkBytes)
                    guard got != wanted else { continue }
                    let index = zip(got.tokens, wanted.tokens).enumerated().first { $0.element.0 != $0.element.1 }?
                        .offset ?? min(got.tokens.count, wanted.tokens.count)
                    XCTFail("\(analyzer === fast ? "fast" : "general") path (kernels \(kernels)), pieces of \(chunkBytes): token \(index) "
                            + "of \(text.debugDescription): \(got.tokens.dropFirst(index).first.map { "\($0)" } ?? "none") "
                            + "vs \(wanted.tokens.dropFirst(index).first.map { "\($0)" } ?? "none"); positions "
                            + "\(got.positionCount) vs \(wanted.positionCount)", file: file, line: line)
                    return
                }
            }
        }
    }

    func testFixtureAndSeedTextGiveTheSameTokens() throws {
        var texts = try FixtureFiles.lines("seed-lines.txt")
        texts.append(try FixtureFiles.lines("vi-syllables.txt").joined(separator: " "))
        texts += try FixtureFiles.lines("oa-oe-uy-open-syllables.tsv").map { $0.replacingOccurrences(of: "\t", with: " ") }
        let seeds = FixtureFiles.packageRoot.appendingPathComponent("seeds")
        for name in try FileManager.default.contentsOfDirectory(atPath: seeds.path).sorted() where name.hasSuffix(".txt") {
            texts.append(try String(contentsOf: seeds.appendingPathComponent(name), encoding: .utf8))
        }
        XCTAssertGreaterThan(texts.count, 10)
        assertIdentical(texts)
        // Decomposed (NFD) and upper-case copies take the general path or other cache entries.
        assertIdentical(texts.prefix(6).map { $0.decomposedStringWithCanonicalMapping })
        assertIdentical(texts.prefix(6).map { $0.uppercased() })
    }

    func testHandPickedHardCasesGiveTheSameTokens() {
        let cases = [
            "", " ", "a", "Đảng", "ĐẢNG đảng Đảng", "hòa hoà HÒA Hoà", "thủy thuỷ", "quý quí", "kỹ kĩ ky", "Ky",
            "QS-QP", "TP.HCM", "HĐND-UBND", "HÀ NỘI-VIỆT NAM", "a-lô", "Covid-19", "e-mail: a.b@c.vn",
            "https://vnexpress.net/thoi-su/a-b-123.html", "2.500.000đồng", "13/09/2022", "3,5%", "2022.", "1..2",
            "-5", "5-", "U23", "H5N1", "4G", "23điểm", "điểm23.5", "đ5a", "12ðo", "Ðảng", "ðo", "HÐND", "ðảng",
            "ki\u{200B}ến", "kiến \u{200B} \u{200B} của", "\u{FEFF}Việt", "a\u{AD}b", "Hà\u{A0}Nội", "x\u{202F}y",
            "e\u{301}\u{302}", "e\u{302}\u{301}", "ê\u{301}", "é\u{302}", "o\u{31B}\u{300}", "\u{301}a", "a\u{308}",
            "A\u{301}", "u\u{31B}o\u{31B}\u{301}ng", "l'État", "it’s", "«Hà Nội»", "“khô cứng”", "a–b", "a—b",
            "1\u{2010}2", "A\u{2010}B", "a\u{2011}b", "中文 Việt", "😀Việt👍🏽", "ภาษา", "Σίσυφος", "straße", "İstanbul",
            String(repeating: "ạ", count: 300), String(repeating: "x", count: 5_000), String(repeating: "1.", count: 400),
            String(repeating: "Nguyễn", count: 20), "\u{0}a\u{7F}b\n\tc", "1.2.3.4.5.6", "10:30", "a/b/c", "A.B.C.",
            "ĐH-CĐ", "Ô-TÔ", "QL.1A", "v.v.", "TS.BS", "500.000-600.000", "0,5-1", "quy", "QUY", "gi", "giữ", "gì",
        ]
        assertIdentical(cases, chunkSizes: [1 << 30, 64, 7, 1])
        assertIdentical([cases.joined(separator: " "), cases.joined(separator: ", "), cases.joined()],
                        chunkSizes: [1 << 30, 100, 3])
    }

    private static let pieces: [String] = [
        "Đảng", "viên", "của", "và", "người", "được", "Nguyễn", "hoà", "hòa", "HOÀ", "thuỷ", "thủy", "quy", "ky",
        "ngoài", "khuỷu", "uỷ", "ủy", "ĐỒNG", "Việt", "Nam", "tp", "TP", "HCM", "QS", "a", "e", "o", "ư", "đ",
        "ệ", "Ố", "ỹ", "A", "T", "H", "M", "x", "2022", "13", "09", "5", "U23", "H5N1",
        "\u{301}", "\u{300}", "\u{302}", "\u{306}", "\u{31B}", "\u{323}", "\u{309}", "\u{303}", "\u{308}",
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{FEFF}", "\u{AD}", "\u{A0}", "\u{202F}", "Ð", "ð", "ß", "İ", "中",
        "😀", "\u{2010}", "\u{2011}", "–", "“", "”", "'", "’", "%", "@", "(", ")", "\u{0}",
    ]
    private static let joiners = [" ", " ", " ", ", ", ". ", "", "", "-", ".", "/", ":", ",", "\n", "\t", "–"]

    func testRandomAdversarialTextGivesTheSameTokens() {
        var random = SeededGenerator(seed: 2_026_1123)
        var texts: [String] = []
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<random.next(below: 30) {
                var piece = Self.pieces[random.next(below: Self.pieces.count)]
                switch random.next(below: 10) {
                case 0: piece = piece.decomposedStringWithCanonicalMapping
                case 1: piece = piece.uppercased()
                default: break
                }
                text += piece + Self.joiners[random.next(below: Self.joiners.count)]
            }
            texts.append(text)
        }
        assertIdentical(texts, chunkSizes: [1 << 30, 16])
    }

    /// Long texts of mostly simple words (what the splitting kernel takes 64 bytes at a time) with a hard
    /// piece now and then, so that the kernel's stops (a connector not followed by a space, a mark, digits
    /// glued to a letter, a four-byte scalar) and its 64-byte windows' edges fall at every offset.
    func testLongMostlySimpleTextGivesTheSameTokens() {
        var random = SeededGenerator(seed: 2_026_1125)
        let simple = ["Đảng", "viên", "của", "và", "người", "được", "Nguyễn", "hoà", "thuỷ", "ĐỒNG", "Việt", "Nam",
                      "tp", "HCM", "a", "ư", "đ", "ệ", "Ố", "2022", "13", "U23", "H5N1", "quy", "ky", "ngoài",
                      "trưởng", "khuỷu", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]
        let simpleJoiners = [" ", " ", " ", " ", ", ", ". ", "  ", "\n", " - ", ": ", "(", ") ", "\" ", "; "]
        var texts: [String] = []
        for _ in 0..<400 {
            var text = ""
            let targetBytes = 100 + random.next(below: 5_000)
            while text.utf8.count < targetBytes {
                if random.next(below: 40) == 0 {
                    text += Self.pieces[random.next(below: Self.pieces.count)]
                    text += Self.joiners[random.next(below: Self.joiners.count)]
                } else {
                    text += simple[random.next(below: simple.count)]
                    text += simpleJoiners[random.next(below: simpleJoiners.count)]
                }
            }
            texts.append(text)
        }
        assertIdentical(texts, chunkSizes: [1 << 30, 100])
    }

    /// ASCII words are cached like syllables: a spelling keeps its key id while the cache holds it, one id
    /// never stands for two pairs of keys, and numbers and codes get no id.
    func testASCIIWordsGetKeyIDsAndNumbersDoNot() {
        let analyzer = StreamingAnalyzer()
        let text = "Trong cao cho TRONG trong Huy huy MY my tay Tay 2024 13/09/2022 A4 x1 người Người trong"
        var keysByID: [Int: String] = [:]
        var idsBySpelling: [String: Set<Int>] = [:]
        for _ in 0..<2 {
            _ = analyzer.analyze(text, chunkBytes: 1 << 30, token: { token in
                let spelling = String(decoding: Array(text.utf8)[token.start..<token.end], as: UTF8.self)
                let keys = String(decoding: token.exact, as: UTF8.self) + "|" + String(decoding: token.folded, as: UTF8.self)
                guard token.keyID >= 0 else {
                    XCTAssertTrue(spelling.contains { $0.isNumber }, "\(spelling) has no key id")
                    return
                }
                XCTAssertFalse(spelling.contains { $0.isNumber }, "\(spelling) has a key id")
                XCTAssertEqual(keysByID[token.keyID, default: keys], keys, "key id \(token.keyID) of \(spelling)")
                keysByID[token.keyID] = keys
                idsBySpelling[spelling, default: []].insert(token.keyID)
            }, pieceEnd: {})
        }
        XCTAssertEqual(Set(idsBySpelling.keys), ["Trong", "cao", "cho", "TRONG", "trong", "Huy", "huy", "MY", "my", "tay",
                                                  "Tay", "người", "Người"])
        XCTAssertTrue(idsBySpelling.values.allSatisfy { $0.count == 1 })
        XCTAssertEqual(keysByID[idsBySpelling["MY"]?.first ?? -1], "my|mi")
    }

    /// Every scalar of one, two and three UTF-8 bytes below U+3400 and a sample above (the splitter
    /// classifies most three-byte scalars by a table of their 64-scalar blocks, the rest decoded), alone,
    /// inside a Vietnamese or ASCII word, after digits and between connectors: the reference's tokens.
    func testEveryScalarOfTheSplitterTablesGivesTheSameTokens() {
        let values = Array(0x20..<0x3400) + Array(stride(from: 0x3400, to: 0x11000, by: 61)) + [0xFEFF, 0xFF0C, 0x1F600]
        var texts: [String] = []
        var text = ""
        for (index, value) in values.enumerated() {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let s = String(Character(scalar))
            text += "\(s) việt\(s)nam a\(s)b 12\(s)3 ộ\(s) \(s)ữ x.\(s).y, "
            if index % 64 == 63 {
                texts.append(text)
                text = ""
            }
        }
        texts.append(text)
        assertIdentical(texts, chunkSizes: [1 << 30])
    }

    /// More distinct words than the cache holds: it empties itself and keeps giving the right keys.
    func testKeysStayRightWhenTheCacheRefills() {
        let syllables = ["Đ", "đ", "ả", "ế", "ư", "ỗ", "ạ", "ì"]
        var random = SeededGenerator(seed: 77)
        var texts: [String] = []
        for _ in 0..<40 {
            var words: [String] = []
            for _ in 0..<1_000 {
                var word = ""
                for _ in 0..<(2 + random.next(below: 5)) {
                    word += syllables[random.next(below: syllables.count)] + ["n", "g", "h", "t"][random.next(below: 4)]
                }
                words.append(word)
            }
            texts.append(words.joined(separator: " "))
        }
        let analyzer = StreamingAnalyzer()
        for text in texts + texts.prefix(3) {
            XCTAssertEqual(streamed(analyzer, text, chunkBytes: 1 << 30), expected(text))
        }
    }
}
