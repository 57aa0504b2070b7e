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
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .string(let text):
            Self.writeString(text, to: &out)
        case .int(let value):
            out += String(value)
        case .double(let value):
            // Swift's shortest round-trip form keeps every significant digit (≥ 6 as the CLI contract asks);
            // JSON has no NaN or infinity.
            out += value.isFinite ? String(value) : "null"
        case .bool(let value):
            out += value ? "true" : "false"
        case .null:
            out += "null"
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += ", " }
                element.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += ", " }
                Self.writeString(key, to: &out)
                out += ": "
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// Copies runs of bytes that need no escape in one piece: in UTF-8 every byte of a multi-byte
    /// sequence is ≥ 0x80, so scanning bytes for `"`, `\\` and controls is safe.
    private static func writeString(_ text: String, to out: inout String) {
        out += "\""
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else { continue }
                append(bytes, runStart..<index, to: &out)
                out += escaped(byte)
                runStart = index + 1
            }
            append(bytes, runStart..<bytes.count, to: &out)
        }
        out += "\""
    }

    private static func append(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to out: inout String) {
        guard !range.isEmpty else { return }
        out += String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
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
