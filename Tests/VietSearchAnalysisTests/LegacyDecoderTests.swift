import Foundation
import XCTest
import VietSearchAnalysis

final class LegacyDecoderTests: XCTestCase {
    private func fixture(_ name: String) throws -> [UInt8] {
        let url = FixtureFiles.packageRoot.appendingPathComponent("Fixtures/encodings").appendingPathComponent(name)
        return [UInt8](try Data(contentsOf: url))
    }

    private var expected: String {
        get throws { String(decoding: try fixture("sentences.utf8.txt"), as: UTF8.self) }
    }

    /// Byte equality: Swift's `==` would accept NFD for NFC.
    private func assertSameBytes(_ text: String, _ reference: String, _ message: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        if Array(text.utf8) != Array(reference.utf8) {
            XCTFail("\(message): \(text.debugDescription) is not byte-equal to \(reference.debugDescription)",
                    file: file, line: line)
        }
    }

    func testEachEncodingDecodesToTheSameNFCText() throws {
        let reference = try expected
        let cases: [(String, LegacyDecoder.Encoding)] = [
            ("tcvn3", .tcvn3), ("viscii", .viscii), ("cp1258", .cp1258), ("vni", .vni), ("viqr", .viqr),
            ("mojibake", .utf8Mojibake), ("utf8", .utf8),
        ]
        for (name, encoding) in cases {
            let result = try LegacyDecoder.decode(bytes: try fixture("sentences.\(name).txt"), encoding: encoding)
            assertSameBytes(result.text, reference, name)
            XCTAssertEqual(result.chosen, encoding)
        }
    }

    func testAutoDetectsEveryEncoding() throws {
        let reference = try expected
        let cases: [(String, LegacyDecoder.Encoding)] = [
            ("tcvn3", .tcvn3), ("viscii", .viscii), ("cp1258", .cp1258), ("vni", .vni), ("viqr", .viqr),
            ("mojibake", .utf8Mojibake), ("utf8", .utf8),
        ]
        for (name, encoding) in cases {
            let result = try LegacyDecoder.decode(bytes: try fixture("sentences.\(name).txt"), encoding: .auto)
            XCTAssertEqual(result.chosen, encoding, name)
            assertSameBytes(result.text, reference, name)
        }
    }

    /// Each sentence alone (shorter evidence) is still detected.
    func testAutoDetectsSingleLines() throws {
        let lines = try expected.split(separator: "\n").map(String.init)
        for encoding in [("tcvn3", LegacyDecoder.Encoding.tcvn3), ("vni", .vni), ("viscii", .viscii), ("viqr", .viqr),
                         ("cp1258", .cp1258), ("mojibake", .utf8Mojibake)] {
            let encodedLines = try fixture("sentences.\(encoding.0).txt").split(separator: 0x0A).map(Array.init)
            XCTAssertEqual(encodedLines.count, lines.count)
            for (index, bytes) in encodedLines.enumerated() {
                let result = try LegacyDecoder.decode(bytes: bytes, encoding: .auto)
                XCTAssertEqual(result.chosen, encoding.1, "\(encoding.0) line \(index + 1)")
                assertSameBytes(result.text, lines[index], "\(encoding.0) line \(index + 1)")
            }
        }
    }

    func testPlainASCIIAndEnglishStayUTF8() throws {
        for text in ["Is it ok? I will go.", "Xin chao, day la Viet Nam.", "The cat sat. Go!", "",
                     "Café naïve résumé", "U23 Việt Nam thắng 2-0."] {
            let result = try LegacyDecoder.decode(bytes: Array(text.utf8), encoding: .auto)
            XCTAssertEqual(result.chosen, .utf8, text)
            XCTAssertEqual(result.text, text)
        }
    }

    func testMojibakeRepairKeepsCorrectParts() throws {
        let text = "Việt Nam and Viá»‡t Nam, Ä‘áº£ng"
        let result = try LegacyDecoder.decode(bytes: Array(text.utf8), encoding: .auto)
        XCTAssertEqual(result.chosen, .utf8Mojibake)
        assertSameBytes(result.text, "Việt Nam and Việt Nam, đảng", "mixed")
    }

    func testInvalidBytesNameTheirOffset() throws {
        let bytes: [UInt8] = Array("Việt ".utf8) + [0xFF, 0x41]
        XCTAssertThrowsError(try LegacyDecoder.decode(bytes: bytes, encoding: .utf8)) { error in
            XCTAssertEqual((error as? LegacyDecodingError)?.byteOffset, 7)
            XCTAssertTrue("\(error)".contains("byte offset 7"), "\(error)")
        }
        let replaced = try LegacyDecoder.decode(bytes: bytes, encoding: .utf8, replaceInvalid: true)
        XCTAssertEqual(replaced.text, "Việt \u{FFFD}A")

        // VNI: a mark byte after a consonant.
        let vni: [UInt8] = Array("Vie".utf8) + [0xE4, 0x74, 0x20, 0x6E, 0xF9]
        XCTAssertThrowsError(try LegacyDecoder.decode(bytes: vni, encoding: .vni)) { error in
            XCTAssertEqual((error as? LegacyDecodingError)?.byteOffset, 7)
        }
        let vniReplaced = try LegacyDecoder.decode(bytes: vni, encoding: .vni, replaceInvalid: true)
        XCTAssertEqual(vniReplaced.text, "Việt n\u{FFFD}")

        // CP1258 leaves 0x81 undefined.
        let cp1258: [UInt8] = [0x61, 0x62, 0x81, 0x63]
        XCTAssertThrowsError(try LegacyDecoder.decode(bytes: cp1258, encoding: .cp1258)) { error in
            XCTAssertEqual((error as? LegacyDecodingError)?.byteOffset, 2)
        }
        XCTAssertEqual(try LegacyDecoder.decode(bytes: cp1258, encoding: .cp1258, replaceInvalid: true).text,
                       "ab\u{FFFD}c")
    }

    func testAutoOnUndecodableBytesThrowsUnlessReplacing() throws {
        // CP1258 rejects 0x81; TCVN3, VISCII decode every byte, so auto still finds a reading. Bytes that
        // fail everything are hard to make, so check the reported choice instead.
        let result = try LegacyDecoder.decode(bytes: [0x61, 0x81, 0x62], encoding: .auto)
        XCTAssertNotEqual(result.chosen, .cp1258)
    }

    /// Auto scores a 64 KiB sample, then decodes everything with the winner, or the next best if the
    /// winner meets an invalid byte after the sample.
    func testAutoOnInputsLargerThanTheSample() throws {
        let vni = try fixture("sentences.vni.txt")
        var large: [UInt8] = []
        while large.count <= LegacyDecoder.sampleBytes + 1000 { large += vni }
        let result = try LegacyDecoder.decode(bytes: large, encoding: .auto)
        XCTAssertEqual(result.chosen, .vni)
        let copies = large.count / vni.count
        XCTAssertEqual(Array(result.text.utf8), Array(String(repeating: try expected, count: copies).utf8))

        let spoiled = large + [0xD0]  // Ð: not a VNI byte
        let fallback = try LegacyDecoder.decode(bytes: spoiled, encoding: .auto)
        XCTAssertNotEqual(fallback.chosen, .vni)
        XCTAssertThrowsError(try LegacyDecoder.decode(bytes: spoiled, encoding: .vni)) { error in
            XCTAssertEqual((error as? LegacyDecodingError)?.byteOffset, large.count)
        }
    }

    func testVIQREscapesAndPunctuation() throws {
        let cases: [(String, String)] = [
            ("Ha` No^.i.", "Hà Nội."), ("Co' pha?i kho^ng?", "Có phải không?"), ("a\\.", "a."),
            ("ddi dda^u?", "đi đâu?"), ("add", "add"), ("tru+o+`ng", "trường"), ("\\dd", "dd"), ("Vie.^t", "Việt"), ("tu+o+`ng", "tường"),
        ]
        for (viqr, expected) in cases {
            let result = try LegacyDecoder.decode(bytes: Array(viqr.utf8), encoding: .viqr)
            assertSameBytes(result.text, expected, viqr)
        }
    }

    /// Round trip through the system's iconv, for text beyond the fixtures (capitals, all tones).
    func testIconvRoundTripOnGeneratedSentence() throws {
        let sentence = "Ắc quy ỔN ĐỊNH, ngoằn ngoèo, khuỷu tay, thuở ấy, quyết định, giữ gìn, nghiêng ngả, Ỹ"
        for (charset, encoding) in [("TCVN5712-1", LegacyDecoder.Encoding.tcvn3), ("VISCII", .viscii),
                                     ("CP1258", .cp1258)] {
            guard let encoded = try Self.iconv(sentence, to: charset) else { continue }
            let decoded = try LegacyDecoder.decode(bytes: encoded, encoding: encoding)
            assertSameBytes(decoded.text, sentence, charset)
        }
    }

    static func iconv(_ text: String, to charset: String) throws -> [UInt8]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", charset]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/iconv") else { return nil }
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "iconv -t \(charset)")
        return [UInt8](data)
    }
}
