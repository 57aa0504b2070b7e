#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict JSON parser for one JSONL line holding one object (RFC 8259: no comments, no trailing
/// commas, no control bytes inside strings, `\u` escapes with surrogate pairs only in pairs).
///
/// Why not Foundation's `JSONDecoder`: it builds a generic value tree and then decodes it, which cost
/// about a tenth of `vietsearch index` (the analyser and the segment builder are the real work). This
/// parser turns the member strings straight into `String`s: one pass over the bytes, one UTF-8
/// validation per string (`UTF8StringBuilder`), no copy when a string has no escape. Values that are
/// not strings are only checked for syntax (the reader rejects them with a message naming the member).
struct JSONLObjectParser {
    /// A member of the object: its name and its value when the value is a string (nil otherwise).
    struct Member {
        var name: String
        var value: String?
    }

    /// What a line holds: an object's members in input order, or valid JSON that is not an object.
    enum Parsed {
        case object([Member])
        case notAnObject
    }

    /// Malformed JSON, at `offset` bytes from the start of the line.
    struct SyntaxError: Error, Equatable {
        var offset: Int
        var message: String
    }

    /// Escaped strings are unescaped here (reused between strings and lines).
    private var unescaped: [UInt8] = []

    /// Deeper arrays/objects in a non-string value are refused rather than risking the stack.
    static let maximumDepth = 512

    /// Parses `line` (without its newline). Throws `SyntaxError` for malformed JSON; a string that is
    /// not valid UTF-8 is a `SyntaxError` too (the caller reports invalid UTF-8 with its offset first).
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> Parsed {
        var cursor = Cursor(bytes: line)
        // A byte order mark before the object is tolerated (editors on Windows write one; JSONDecoder skipped it).
        if line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF { cursor.index = 3 }
        cursor.skipWhitespace()
        guard cursor.peek == UInt8(ascii: "{") else {
            try cursor.skipValue(depth: 0)
            try cursor.expectEnd()
            return .notAnObject
        }
        cursor.index += 1
        var members: [Member] = []
        cursor.skipWhitespace()
        if cursor.peek == UInt8(ascii: "}") {
            cursor.index += 1
            try cursor.expectEnd()
            return .object(members)
        }
        while true {
            cursor.skipWhitespace()
            guard cursor.peek == UInt8(ascii: "\"") else { throw cursor.error("expected a member name in quotes") }
            let name = try parseString(&cursor)
            cursor.skipWhitespace()
            guard cursor.peek == UInt8(ascii: ":") else { throw cursor.error("expected ':' after a member name") }
            cursor.index += 1
            cursor.skipWhitespace()
            if cursor.peek == UInt8(ascii: "\"") {
                members.append(Member(name: name, value: try parseString(&cursor)))
            } else {
                try cursor.skipValue(depth: 1)
                members.append(Member(name: name, value: nil))
            }
            cursor.skipWhitespace()
            switch cursor.peek {
            case UInt8(ascii: ","):
                cursor.index += 1
            case UInt8(ascii: "}"):
                cursor.index += 1
                try cursor.expectEnd()
                return .object(members)
            default:
                throw cursor.error("expected ',' or '}' after a member")
            }
        }
    }

    /// The string starting at the cursor's opening quote; leaves the cursor after the closing quote.
    private mutating func parseString(_ cursor: inout Cursor) throws(SyntaxError) -> String {
        let start = cursor.index + 1
        let (end, escaped) = try cursor.skipString()
        if !escaped {
            let raw = UnsafeBufferPointer(rebasing: cursor.bytes[start..<end])
            guard let text = UTF8StringBuilder.string(validating: raw) else {
                throw SyntaxError(offset: start, message: "invalid UTF-8 in a string")
            }
            return text
        }
        unescaped.removeAll(keepingCapacity: true)
        var index = start
        while index < end {
            let byte = cursor.bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                // Copy the run up to the next escape at once. `skipString` checked the string, so a
                // backslash is the only byte that ends a run: `memchr` finds it (scanning again for
                // quotes and control bytes too was 1.4% of indexing the harness corpus, whose bodies
                // all hold `\n` escapes).
                let runEnd = Self.firstBackslash(cursor.bytes, from: index + 1, to: end)
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: cursor.bytes[index..<runEnd]))
                index = runEnd
                continue
            }
            // `skipString` checked each escape's letter and hex digits.
            let letter = cursor.bytes[index + 1]
            switch letter {
            case UInt8(ascii: "u"):
                var scalar = Self.hexValue(cursor.bytes, at: index + 2)
                var length = 6
                if (0xD800..<0xDC00).contains(scalar) {
                    let low = index + 12 <= end && cursor.bytes[index + 6] == UInt8(ascii: "\\")
                        && cursor.bytes[index + 7] == UInt8(ascii: "u") ? Self.hexValue(cursor.bytes, at: index + 8) : 0
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw SyntaxError(offset: index, message: "high surrogate escape not followed by a low surrogate escape")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    length = 12
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw SyntaxError(offset: index, message: "low surrogate escape without a high surrogate before it")
                }
                Self.appendUTF8(scalar, to: &unescaped)
                index += length
                continue
            case UInt8(ascii: "n"): unescaped.append(0x0A)
            case UInt8(ascii: "t"): unescaped.append(0x09)
            case UInt8(ascii: "r"): unescaped.append(0x0D)
            case UInt8(ascii: "b"): unescaped.append(0x08)
            case UInt8(ascii: "f"): unescaped.append(0x0C)
            default: unescaped.append(letter)  // " \ /
            }
            index += 2
        }
        guard let text = unescaped.withUnsafeBufferPointer({ UTF8StringBuilder.string(validating: $0) }) else {
            throw SyntaxError(offset: start, message: "invalid UTF-8 in a string")
        }
        return text
    }

    /// Offset of the first backslash in `bytes[start..<end]`, or `end`.
    private static func firstBackslash(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard start < end, let base = bytes.baseAddress,
              let found = memchr(base + start, Int32(UInt8(ascii: "\\")), end - start) else { return end }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    /// Appends the UTF-8 encoding of a scalar value (never a surrogate: those were paired above).
    private static func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            bytes.append(UInt8(scalar))
        case ..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The value of the four hex digits at `offset` (checked by `skipString`).
    private static func hexValue(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in offset..<offset + 4 { value = value << 4 | UInt32(Cursor.hexDigit(bytes[index]) ?? 0) }
        return value
    }
}

/// A position in the line being parsed, with the syntax-only scanners.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    /// The byte at the cursor, or nil at the end of the line.
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ message: String) -> JSONLObjectParser.SyntaxError {
        let found = peek.map { (0x21...0x7E).contains($0) ? "'\(Character(Unicode.Scalar($0)))'" : "byte 0x" + String($0, radix: 16) }
        return JSONLObjectParser.SyntaxError(offset: index, message: message + " (found " + (found ?? "the end of the line") + ")")
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A else { return }
            index += 1
        }
    }

    mutating func expectEnd() throws(JSONLObjectParser.SyntaxError) {
        skipWhitespace()
        if index < bytes.count { throw error("unexpected content after the value") }
    }

    /// Skips the string at the cursor (on its opening quote) and returns the offset of its closing
    /// quote and whether it holds escapes. Checks escapes and refuses control bytes (RFC 8259).
    mutating func skipString() throws(JSONLObjectParser.SyntaxError) -> (end: Int, escaped: Bool) {
        index += 1
        var escaped = false
        while index < bytes.count {
            index = Self.skipPlainBytes(bytes, from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let end = index
                index += 1
                return (end, escaped)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard index + 1 < bytes.count else { throw error("unterminated escape") }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    for digit in index + 2..<index + 6 where digit >= bytes.count || Self.hexDigit(bytes[digit]) == nil {
                        throw JSONLObjectParser.SyntaxError(offset: index, message: "\\u must be followed by four hex digits")
                    }
                    index += 6
                default:
                    throw JSONLObjectParser.SyntaxError(offset: index, message: "invalid escape")
                }
                continue
            }
            if byte < 0x20 { throw error("control byte inside a string (escape it)") }
            index += 1
        }
        throw JSONLObjectParser.SyntaxError(offset: bytes.count, message: "unterminated string")
    }

    /// The offset of the first byte at or after `start` that ends a plain run inside a string (a quote,
    /// a backslash or a control byte), or a few bytes before it: whole 8-byte words are skipped while
    /// none of their bytes is one of those (text fields are long, the per-byte loop was most of parsing).
    @inline(__always)
    static func skipPlainBytes(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var index = start
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // Exact "some byte is zero" / "some byte is below 0x20" tests (SWAR).
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
            if special & highBits != 0 { break }
            index += 8
        }
        return index
    }

    /// Skips any JSON value, checking its syntax.
    mutating func skipValue(depth: Int) throws(JSONLObjectParser.SyntaxError) {
        guard let byte = peek else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < JSONLObjectParser.maximumDepth else { throw error("nesting deeper than \(JSONLObjectParser.maximumDepth)") }
            try skipContainer(isObject: byte == UInt8(ascii: "{"), depth: depth + 1)
        case UInt8(ascii: "t"): try skipLiteral("true")
        case UInt8(ascii: "f"): try skipLiteral("false")
        case UInt8(ascii: "n"): try skipLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
        default:
            throw error("expected a value")
        }
    }

    private mutating func skipContainer(isObject: Bool, depth: Int) throws(JSONLObjectParser.SyntaxError) {
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        index += 1
        skipWhitespace()
        if peek == close {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            if isObject {
                guard peek == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
                _ = try skipString()
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
                index += 1
                skipWhitespace()
            }
            try skipValue(depth: depth)
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                index += 1
            } else if peek == close {
                index += 1
                return
            } else {
                throw error(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        }
    }

    private mutating func skipLiteral(_ literal: StaticString) throws(JSONLObjectParser.SyntaxError) {
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard index + text.count <= bytes.count, bytes[index..<index + text.count].elementsEqual(text) else {
            throw error("invalid literal")
        }
        index += text.count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws(JSONLObjectParser.SyntaxError) {
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else {
            guard skipDigits() > 0 else { throw error("invalid number") }
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw error("invalid number: digits expected after '.'") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw error("invalid number: digits expected in the exponent") }
        }
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
