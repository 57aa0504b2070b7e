/// A JSON value with object keys kept in the order they were written, so the CLI's output is stable
/// and diff-able. Non-ASCII text is written as UTF-8, never `\u` escaped.
enum JSONValue {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// The compact one-line encoding.
    var encoded: String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes UTF-8 bytes, turned into a `String` once by `encoded`: appending ~100 small strings to a
    /// `String` cost ~700 instructions each, two thirds of printing a search answer (callgrind).
    func write(to out: inout [UInt8]) {
        switch self {
        case .string(let text):
            Self.writeString(text, to: &out)
        case .int(let value):
            out.append(contentsOf: String(value).utf8)
        case .double(let value):
            // Swift's shortest round-trip form keeps every significant digit (≥ 6 as the CLI contract asks);
            // JSON has no NaN or infinity.
            out.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null:
            out.append(contentsOf: "null".utf8)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                Self.writeString(key, to: &out)
                out.append(contentsOf: ": ".utf8)
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Copies runs of bytes that need no escape in one piece: in UTF-8 every byte of a multi-byte
    /// sequence is ≥ 0x80, so scanning bytes for `"`, `\\` and controls is safe.
    private static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                out.append(contentsOf: escaped(byte).utf8)
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escaped(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): return "\\\""
        case UInt8(ascii: "\\"): return "\\\\"
        case UInt8(ascii: "\n"): return "\\n"
        case UInt8(ascii: "\r"): return "\\r"
        case UInt8(ascii: "\t"): return "\\t"
        default:
            let hex = String(byte, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
