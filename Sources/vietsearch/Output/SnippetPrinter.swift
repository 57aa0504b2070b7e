import VietSearch

/// Snippets for the CLI: JSON members (byte and scalar offsets) and marked text lines for people.
enum SnippetPrinter {
    /// `[{"field", "text", "offset", "highlights": [[start, end], …], "char_highlights": […]}, …]`:
    /// `highlights` are UTF-8 byte ranges into `text`, `char_highlights` Unicode scalar ranges (code
    /// points, as Python indexes strings); `offset` is the byte offset of `text` in the stored field.
    static func json(_ snippets: [Snippet]) -> JSONValue {
        .array(snippets.map { snippet in
            .object([
                ("field", .string(snippet.field)),
                ("text", .string(snippet.text)),
                ("offset", .int(snippet.byteOffset)),
                ("highlights", ranges(snippet.highlights)),
                ("char_highlights", ranges(snippet.characterHighlights)),
            ])
        })
    }

    private static func ranges(_ ranges: [(start: Int, end: Int)]) -> JSONValue {
        .array(ranges.map { .array([.int($0.start), .int($0.end)]) })
    }

    /// One line per fragment, `…` where text was cut (not after a full stop), matches in ANSI bold on a terminal and in
    /// `[…]` otherwise; fragments from another field than `body` are labelled with it.
    static func text(_ snippets: [Snippet], indent: String, terminal: Bool) -> String {
        var out = ""
        for snippet in snippets {
            let (open, close) = terminal ? ("\u{1B}[1m", "\u{1B}[0m") : ("[", "]")
            let bytes = Array(snippet.text.utf8)
            var line = snippet.field == "body" ? "" : snippet.field + ": "
            if !snippet.startsAtFieldStart { line += "…" }
            var written = 0
            for range in snippet.highlights {
                line += oneLine(bytes[written..<range.start]) + open + oneLine(bytes[range.start..<range.end]) + close
                written = range.end
            }
            line += oneLine(bytes[written...])
            if !snippet.endsAtFieldEnd && !endsSentence(bytes) { line += "…" }
            out += indent + line + "\n"
        }
        return out
    }

    /// True if the fragment ends with `. ! ? …` (an ellipsis after it would suggest a cut sentence).
    private static func endsSentence(_ bytes: [UInt8]) -> Bool {
        guard let last = bytes.last else { return false }
        return last == 0x2E || last == 0x21 || last == 0x3F || bytes.suffix(3).elementsEqual([0xE2, 0x80, 0xA6])
    }

    /// The bytes as text with line breaks and tabs shown as spaces (one fragment, one line).
    private static func oneLine(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 ? 0x20 : $0 }, as: UTF8.self)
    }
}
