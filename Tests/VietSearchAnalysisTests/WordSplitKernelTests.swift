import XCTest
import CBitUnpack
@testable import VietSearchAnalysis

/// The word-splitting kernel (`vs_split_words`) against its header's contract, with class tables made here
/// (not the analyser's): which tokens it appends, where it stops, what it never does. And that the analyser
/// really uses it where the CPU has AVX2 (the other tests would pass on the Swift loop alone).
final class WordSplitKernelTests: XCTestCase {
    /// ASCII sets: letters and digits are word bytes, digits also digits, space and `;` safe points, `,`
    /// a connector; every other ASCII byte (`-`, `.`) is none of them.
    private static let asciiSets: [UInt8] = {
        var sets = [UInt8](repeating: 0, count: 64)
        func add(_ set: Int, _ byte: UInt8) { sets[set * 16 + Int(byte & 0x0F)] |= 1 << (byte >> 4) }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { add(0, byte) }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { add(0, byte); add(1, byte) }
        add(2, UInt8(ascii: " "))
        add(2, UInt8(ascii: ";"))
        add(3, UInt8(ascii: ","))
        return sets
    }()

    private static let letterClass: UInt8 = 9
    private static let blockTableOffset = 0x3000

    /// Scalar classes: `é` (U+00E9) and the block of `ạ` (U+1EA1) are letters; `×` (U+00D7) is not.
    private static let scalarClasses: [UInt8] = {
        var classes = [UInt8](repeating: 0, count: blockTableOffset + 1_024)
        classes[0xE9] = letterClass
        classes[blockTableOffset + (0x1EA1 >> 6)] = letterClass
        return classes
    }()

    private struct Result: Equatable {
        var reached: Int
        var spans: [[Int]]  // start, end, keying
    }

    private func split(_ text: String, from position: Int = 0, stopAfter: Int = 1 << 20) -> Result {
        let bytes = Array(text.utf8)
        var spans = [vs_word_span](repeating: vs_word_span(), count: bytes.count / 2 + 2)
        var count = 0
        let reached = bytes.withUnsafeBufferPointer { input in
            Self.asciiSets.withUnsafeBufferPointer { sets in
                Self.scalarClasses.withUnsafeBufferPointer { classes in
                    vs_split_words(input.baseAddress, position, input.count, stopAfter, sets.baseAddress,
                                   classes.baseAddress, Self.blockTableOffset, Self.letterClass, &spans, &count)
                }
            }
        }
        return Result(reached: reached, spans: spans.prefix(count).map { [$0.start, $0.end, Int($0.keying)] })
    }

    /// The tokens a plain model of the contract gives for `text` up to `end` (simple text only).
    private func modelSpans(_ text: String, to end: Int) -> [[Int]] {
        let bytes = Array(text.utf8)
        var spans: [[Int]] = []
        var index = 0
        while index < end {
            guard bytes[index] != UInt8(ascii: " ") && bytes[index] != UInt8(ascii: ",") else {
                index += 1
                continue
            }
            let start = index
            while index < end && bytes[index] != UInt8(ascii: " ") && bytes[index] != UInt8(ascii: ",") { index += 1 }
            let word = bytes[start..<index]
            let keying = word.contains { $0 >= 0x30 && $0 <= 0x39 } ? VS_KEYING_ASCII_CODE
                : word.contains { $0 >= 0x80 } ? VS_KEYING_WORD : VS_KEYING_ASCII_WORD
            spans.append([start, index, Int(keying)])
        }
        return spans
    }

    /// True where the CPU has AVX2; elsewhere checks instead that the kernel does nothing, as its contract says.
    private func kernelsAvailable(file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard vs_unpack_simd_enabled() == 0 else { return true }
        XCTAssertEqual(split(String(repeating: "ab ", count: 40)), Result(reached: 0, spans: []), file: file, line: line)
        return false
    }

    func testSimpleTextIsSplitUpToTheLastSafePointBeforeTheEnd() {
        guard kernelsAvailable() else { return }
        let text = String(repeating: "dạo é ab12, xyz ", count: 12)
        let result = split(text)
        let bytes = Array(text.utf8)
        XCTAssertGreaterThan(result.reached + 66, bytes.count, "it goes on to its last 66-byte window")
        XCTAssertEqual(bytes[result.reached], UInt8(ascii: " "), "it stops at a safe point")
        XCTAssertEqual(result.spans, modelSpans(text, to: result.reached))
        XCTAssertTrue(result.spans.contains { $0[2] == Int(VS_KEYING_WORD) })
        XCTAssertTrue(result.spans.contains { $0[2] == Int(VS_KEYING_ASCII_CODE) })
        XCTAssertTrue(result.spans.contains { $0[2] == Int(VS_KEYING_ASCII_WORD) })
    }

    func testItStopsAtTheSafePointBeforeAnythingNotSimple() {
        guard kernelsAvailable() else { return }
        let simple = String(repeating: "ab cd ", count: 20)
        for hard in ["a-b", "x.y", "ab,c", "23é", "a×b", "dđ", "a😀"] {
            let text = simple + hard + " " + simple
            let result = split(text)
            XCTAssertEqual(result.reached, simple.utf8.count - 1, hard)
            XCTAssertEqual(result.spans, modelSpans(text, to: result.reached), hard)
        }
    }

    func testNothingIsDoneOnShortTextOrWithTheKernelsOff() {
        guard kernelsAvailable() else { return }
        let short = String(repeating: "ab ", count: 21)  // 63 bytes: no 66-byte window
        XCTAssertEqual(split(short), Result(reached: 0, spans: []))
        let long = String(repeating: "ab ", count: 40)
        XCTAssertEqual(split(long, from: 3, stopAfter: 3), Result(reached: 3, spans: []), "past stopAfter")
        let kernelsWere = vs_unpack_set_simd_enabled(0)
        defer { _ = vs_unpack_set_simd_enabled(kernelsWere) }
        XCTAssertEqual(split(long), Result(reached: 0, spans: []))
    }

    func testTheAnalyserUsesTheKernelWhereTheCPUHasAVX2() {
        guard kernelsAvailable() else { return }
        XCTAssertTrue(FastRunSplitter.spanLayoutMatchesKernel, "Span's layout no longer matches vs_word_span")
    }
}
