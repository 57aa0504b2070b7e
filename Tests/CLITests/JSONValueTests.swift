import Foundation
import XCTest
@testable import vietsearch

/// The CLI's own JSON writer: key order kept, non-ASCII as UTF-8, escapes that any parser reads back.
final class JSONValueTests: XCTestCase {
    func testKeyOrderNumbersAndLiterals() {
        let value = JSONValue.object([
            ("z", .int(-3)), ("a", .double(0.1)), ("m", .bool(true)), ("n", .null),
            ("inf", .double(.infinity)), ("list", .array([.int(1), .string("x")])), ("empty", .object([])),
        ])
        XCTAssertEqual(value.encoded,
                       #"{"z": -3, "a": 0.1, "m": true, "n": null, "inf": null, "list": [1, "x"], "empty": {}}"#)
    }

    func testNonASCIIIsWrittenAsUTF8() {
        XCTAssertEqual(JSONValue.string("Đảng viên 🇻🇳").encoded, "\"Đảng viên 🇻🇳\"")
    }

    func testEscapesRoundTripThroughJSONSerialization() throws {
        let tricky = "a\"b\\c\nd\re\tf\u{0}g\u{1F}h\u{7F}ị\"\u{2028}"
        let encoded = JSONValue.array([.string(tricky), .string(""), .string("\"")]).encoded
        XCTAssertFalse(encoded.contains("\n"), "one line")
        XCTAssertTrue(encoded.hasPrefix(#"["a\"b\\c\nd\re\tf\u0000g\u001fh\u007fị\""#), encoded)
        let decoded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? [String])
        XCTAssertEqual(decoded, [tricky, "", "\""])
    }

    func testDoublesKeepEverySignificantDigit() throws {
        for score in [0.8257661913167289, 12.5, 1e-7, 123456.789012345] {
            let encoded = JSONValue.double(score).encoded
            XCTAssertEqual(Double(encoded), score, encoded)
        }
        XCTAssertEqual(JSONValue.double(0.8257661913167289).encoded, "0.8257661913167289")
    }
}
