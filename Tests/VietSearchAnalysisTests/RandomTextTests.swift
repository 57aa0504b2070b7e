import XCTest
import Foundation
import VietSearchAnalysis
import VietSearchTestSupport

/// Invariants over random text built from the characters that matter to the analyser (Vietnamese letters,
/// loose combining marks, invisible characters, odd spaces, connectors, quotes, other scripts, emoji).
final class RandomTextTests: XCTestCase {
    private let analyzer = VietnameseAnalyzer()


    private static let alphabet: [String] = [
        "a", "o", "e", "u", "y", "i", "h", "n", "g", "q", "t", "đ", "Đ", "ư", "ơ", "ô", "â", "ă", "ê",
        "ả", "ệ", "Ố", "ỹ", "Ỳ", "à", "ò", "A", "T", "P", "H", "C", "M", "Q", "S",
        "\u{301}", "\u{300}", "\u{302}", "\u{306}", "\u{31B}", "\u{323}", "\u{309}", "\u{303}", "\u{308}",
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{FEFF}", "\u{AD}", "\u{A0}", "\u{202F}", "\u{2007}", " ", " ", " ",
        "\n", "\t", "0", "1", "2", "9", ".", ",", "/", ":", "-", "–", "—", "“", "”", "'", "’", "«", "(", ")",
        "%", "@", "Ð", "ð", "ß", "İ", "Σ", "ς", "中", "文", "ภ", "า", "ि", "😀", "👍🏽", "\u{0}", "\u{7F}",
    ]

    private func randomText(_ generator: inout SeededGenerator) -> String {
        let length = Int(generator.next() % 40)
        var text = ""
        for _ in 0..<length {
            text += Self.alphabet[Int(generator.next() % UInt64(Self.alphabet.count))]
        }
        return text
    }

    func testInvariantsHoldOnRandomText() {
        var generator = SeededGenerator(seed: 20_260_522)
        for _ in 0..<5_000 {
            let text = randomText(&generator)
            let result = analyzer.analyze(text)
            let bytes = Array(text.utf8)
            var expectedPosition = 0
            for token in result.tokens {
                if token.isJoinedForm {
                    XCTAssertEqual(token.position, expectedPosition - 1, text)
                } else {
                    XCTAssertEqual(token.position, expectedPosition, text)
                    expectedPosition += 1
                }
                XCTAssertTrue(0 <= token.start && token.start < token.end && token.end <= bytes.count, text)
                if token.start < token.end && token.end <= bytes.count {
                    XCTAssertEqual(String(decoding: bytes[token.start..<token.end], as: UTF8.self), token.text, text)
                }
                XCTAssertFalse(token.exact.isEmpty, text)
                XCTAssertFalse(token.folded.isEmpty, text)
            }
            XCTAssertEqual(result.positionCount, expectedPosition, text)

            // Cleaning is idempotent, and analysing cleaned text gives the same keys.
            let cleaned = analyzer.clean(text)
            XCTAssertEqual(Array(analyzer.clean(cleaned).unicodeScalars), Array(cleaned.unicodeScalars), text)
            let again = analyzer.analyze(cleaned)
            XCTAssertEqual(again.tokens.map(\.exact), result.tokens.map(\.exact), text)
            XCTAssertEqual(again.tokens.map(\.folded), result.tokens.map(\.folded), text)
            XCTAssertEqual(again.positionCount, result.positionCount, text)
        }
    }

    func testCleanedTextHasNoInvisibleCharactersOrOddSpaces() {
        var generator = SeededGenerator(seed: 7)
        let removed: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0xFEFF, 0xAD, 0xA0, 0x202F, 0x2007]
        for _ in 0..<2_000 {
            let cleaned = analyzer.clean(randomText(&generator))
            XCTAssertFalse(cleaned.unicodeScalars.contains { removed.contains($0.value) }, cleaned)
        }
    }

    func testLongInputsWithoutSpaces() {
        let word = String(repeating: "nghiêng", count: 20_000)
        let result = analyzer.analyze(word)
        XCTAssertEqual(result.tokens.count, 1)
        XCTAssertEqual(result.tokens.first?.exact, word)
        let marks = "a" + String(repeating: "\u{301}", count: 10_000)
        XCTAssertEqual(analyzer.analyze(marks).tokens.count, 1)
        // ETH repair judges each word once: a long word full of ETH stays linear.
        let eths = String(repeating: "xð", count: 50_000) + "ă"
        XCTAssertEqual(analyzer.clean(eths), String(repeating: "xđ", count: 50_000) + "ă")
        let dots = String(repeating: "1.", count: 10_000)
        XCTAssertEqual(analyzer.analyze(dots).tokens.count, 1)
        let abbreviation = String(repeating: "AB-", count: 1_000) + "AB"
        let parts = analyzer.analyze(abbreviation)
        XCTAssertEqual(parts.positionCount, 1_001)
        XCTAssertEqual(parts.tokens.last?.exact, String(repeating: "ab", count: 1_001))
    }

    /// Keys are reused for repeated token texts within one call; each token must still get exactly the
    /// keys its text gets on its own (tokens with ETH are left out: its repair looks at the whole word).
    func testTokensInContextKeyLikeTokensAlone() throws {
        var generator = SeededGenerator(seed: 99)
        var texts = [try FixtureFiles.text("seed-lines.txt")]
        for _ in 0..<300 {
            // Few distinct pieces, so the text repeats tokens as running text does.
            let pieces = (0..<4).map { _ in randomText(&generator) }
            texts.append((0..<30).map { _ in pieces[Int(generator.next() % 4)] }.joined(separator: " "))
        }
        for text in texts {
            for token in analyzer.analyze(text).tokens where !token.isJoinedForm {
                if token.text.unicodeScalars.contains(where: { $0 == "\u{D0}" || $0 == "\u{F0}" }) { continue }
                let alone = analyzer.analyze(token.text).tokens.filter { !$0.isJoinedForm }
                XCTAssertEqual(alone.map(\.exact), [token.exact], token.text)
                XCTAssertEqual(alone.map(\.folded), [token.folded], token.text)
                XCTAssertEqual(alone.map(\.hasNonASCIILetter), [token.hasNonASCIILetter], token.text)
            }
        }
    }

    /// Long texts are analysed in windows that end at ASCII spaces or punctuation; the result must be
    /// exactly the words' own analyses laid end to end, whatever falls on a window boundary.
    func testLongTextEqualsItsWordsAnalysedAlone() {
        var generator = SeededGenerator(seed: 2_026)
        let words = ["Đảng", "ủy", "QS-QP", "TP.HCM", "2.500.000đồng", "ngoài", "e\u{301}\u{302}", "a\u{200B}b",
                     "\u{D0}\u{1EA3}ng", "H5N1", "13/09/2022", "“cấp", "uỷ”", "Vie\u{323}\u{302}t", "23điểm", "x",
                     "nghiêng\u{A0}ngả", "q\u{300}\u{31B}", "(HĐND-UBND)", "khóa", "2022."]
        var text = ""
        var expected: [Token] = []
        var position = 0
        while text.utf8.count < 200_000 {  // several 64 KiB windows
            let word = words[Int(generator.next() % UInt64(words.count))]
            let offset = text.utf8.count
            let alone = analyzer.analyze(word)
            for var token in alone.tokens {
                token.position += position
                token.start += offset
                token.end += offset
                expected.append(token)
            }
            position += alone.positionCount
            // Separators only: windows may end at any of them.
            text += word + [" ", " ", " ", "\n", ";", "\t", "!?", "\u{A0}"][Int(generator.next() % 8)]
        }
        let result = analyzer.analyze(text)
        XCTAssertEqual(result.positionCount, position)
        XCTAssertEqual(result.tokens.count, expected.count)
        XCTAssertTrue(result.tokens == expected)
    }

    /// The analyser is `Sendable` and shares its tables: many threads at once get the same results.
    func testConcurrentUseGivesTheSameResults() throws {
        let text = try FixtureFiles.text("seed-lines.txt")
        let expected = analyzer.analyze(text)
        let results = ConcurrentResults(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            results.set(index, VietnameseAnalyzer().analyze(text))
        }
        for index in 0..<16 { XCTAssertEqual(results.get(index), expected) }
    }
}

/// Collects results from `concurrentPerform` workers.
private final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [AnalyzedText?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: AnalyzedText) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    func get(_ index: Int) -> AnalyzedText? {
        lock.lock()
        defer { lock.unlock() }
        return values[index]
    }
}
