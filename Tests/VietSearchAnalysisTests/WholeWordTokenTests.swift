import XCTest
import Foundation
import VietSearchAnalysis
import VietSearchTestSupport

/// `VietnameseAnalyzer.wholeWordToken` (the query's one-word shortcut) must give exactly the one token of
/// `analyze` whenever it gives one, and must give one for plain words (else it saves nothing).
final class WholeWordTokenTests: XCTestCase {
    private let analyzer = VietnameseAnalyzer()

    /// Checks every text and every space-separated word of it; returns how many took the shortcut.
    @discardableResult
    private func assertAgrees(_ texts: [String], file: StaticString = #filePath, line: UInt = #line) -> Int {
        var taken = 0
        var candidates = Set(texts)
        for text in texts { candidates.formUnion(text.split(separator: " ").map(String.init)) }
        for text in candidates.sorted() {
            guard let token = analyzer.wholeWordToken(text) else { continue }
            taken += 1
            let wanted = analyzer.analyze(text).tokens
            if wanted != [token] {
                XCTFail("\(text.debugDescription): \(token) vs \(wanted)", file: file, line: line)
                return taken
            }
        }
        return taken
    }

    func testPlainWordsTakeTheShortcutWithTheReferenceToken() {
        let plain = ["Đảng", "đảng", "ĐẢNG", "hoà", "hòa", "HÒA", "thuỷ", "thủy", "quý", "kỹ", "ky", "Ky", "KY", "quy",
                     "QUY", "ngy", "nghy", "tay", "my", "y", "uy", "debhelper", "sysconfig", "U23", "H5N1", "2022",
                     "4G", "x1", "người", "Nguyễn", "straße", "Σίσυφος", "中文", "ภาษา", "İstanbul", "giữ", "gì",
                     "khuỷu", String(repeating: "ạ", count: 300), String(repeating: "x", count: 5_000)]
        XCTAssertEqual(assertAgrees(plain), plain.count)
        // Only `ky`-like words change when folded: the folded key differs from the exact one.
        XCTAssertEqual(analyzer.wholeWordToken("Ky")?.folded, "ki")
        XCTAssertEqual(analyzer.wholeWordToken("U23")?.folded, "u23")
        XCTAssertEqual(analyzer.wholeWordToken("hoà")?.exact, analyzer.wholeWordToken("hòa")?.exact)
    }

    func testWordsNeedingTheGeneralPathAreRefused() {
        let refused = ["", " ", "a b", "23điểm", "điểm23", "QS-QP", "TP.HCM", "a-lô", "13/09/2022", "2.500",
                       "e\u{301}", "ki\u{200B}ến", "\u{FEFF}Việt", "a\u{AD}b", "Ðảng", "ðo", "it’s", "l'État",
                       "«Hà»", "3,5%", "😀", "Việt👍🏽", "\u{0}a", "a\u{A0}b", "-5", "5-", "a.", "(a)"]
        for text in refused { XCTAssertNil(analyzer.wholeWordToken(text), text.debugDescription) }
    }

    func testFixtureAndSeedWordsGiveTheReferenceToken() throws {
        var texts = try FixtureFiles.lines("seed-lines.txt")
        texts += try FixtureFiles.lines("vi-syllables.txt")
        texts += try FixtureFiles.lines("oa-oe-uy-open-syllables.tsv").map { $0.replacingOccurrences(of: "\t", with: " ") }
        let seeds = FixtureFiles.packageRoot.appendingPathComponent("seeds")
        for name in try FileManager.default.contentsOfDirectory(atPath: seeds.path).sorted() where name.hasSuffix(".txt") {
            texts.append(try String(contentsOf: seeds.appendingPathComponent(name), encoding: .utf8))
        }
        let taken = assertAgrees(texts + texts.map { $0.uppercased() } + texts.map { $0.decomposedStringWithCanonicalMapping })
        XCTAssertGreaterThan(taken, 5_000)
    }

    private static let pieces: [String] = [
        "Đảng", "viên", "của", "người", "Nguyễn", "hoà", "HOÀ", "thuỷ", "quy", "ky", "Ky", "KY", "ngh", "y", "uỷ",
        "ĐỒNG", "a", "ư", "đ", "ệ", "Ố", "ỹ", "T", "x", "2022", "5", "U23", "\u{301}", "\u{323}", "\u{308}",
        "\u{200B}", "\u{FEFF}", "\u{AD}", "\u{A0}", "Ð", "ð", "ß", "İ", "中", "😀", "\u{2010}", "-", ".", "/", ":", ",",
        "'", "’", "%", "@", "\u{0}", "ǅ", "Ǆ", "ﬁ", "Ⅻ", "²", "٣", "ᾈ",
    ]

    /// Random short strings of letters, marks, digits, connectors and odd scalars, as typed in queries.
    func testRandomShortStringsGiveTheReferenceToken() {
        var random = SeededGenerator(seed: 2_026_1125)
        var texts: [String] = []
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<(1 + random.next(below: 4)) {
                var piece = Self.pieces[random.next(below: Self.pieces.count)]
                switch random.next(below: 8) {
                case 0: piece = piece.decomposedStringWithCanonicalMapping
                case 1: piece = piece.uppercased()
                case 2: piece = piece.lowercased()
                default: break
                }
                text += piece
            }
            texts.append(text)
        }
        XCTAssertGreaterThan(assertAgrees(texts), 2_000)
    }
}
