/// Counting and boundary checks on UTF-8 bytes for snippets (no `Character` work, no Foundation).
enum TextMeasure {
    /// Unicode scalars in `bytes[from..<to]` (every byte that does not continue a sequence starts one).
    static func scalarCount(_ bytes: [UInt8], from: Int, to: Int) -> Int {
        var count = 0
        var index = from
        while index < to {
            if bytes[index] & 0xC0 != 0x80 { count += 1 }
            index += 1
        }
        return count
    }

    /// Characters as a reader counts them in `bytes[from..<to]`: scalars other than combining marks, so an
    /// NFD `ế` (three scalars) counts once, like its NFC form.
    static func visibleLength(_ bytes: [UInt8], from: Int, to: Int) -> Int {
        var count = 0
        var index = from
        while index < to {
            let lead = bytes[index]
            if lead < 0x80 {
                count += 1
                index += 1
                continue
            }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
            if length == 1 || !isCombiningMark(bytes, at: index, length: length) { count += 1 }
            index += length
        }
        return count
    }

    /// True for the combining-mark blocks (U+0300–036F, U+1AB0–1AFF, U+1DC0–1DFF, U+20D0–20FF, U+FE20–FE2F).
    private static func isCombiningMark(_ bytes: [UInt8], at index: Int, length: Int) -> Bool {
        guard length <= 3, index + length <= bytes.count else { return false }
        var value = UInt32(bytes[index] & (length == 2 ? 0x1F : 0x0F))
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (0x300...0x36F).contains(value) || (0x1AB0...0x1AFF).contains(value)
            || (0x1DC0...0x1DFF).contains(value) || (0x20D0...0x20FF).contains(value)
            || (0xFE20...0xFE2F).contains(value)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// True if the gap `bytes[from..<to]` between two tokens ends a sentence: a line break, or `. ! ? …`
    /// followed by whitespace (so the dot of `TP.HCM` does not count).
    static func endsSentence(_ bytes: [UInt8], from: Int, to: Int) -> Bool {
        var sawStop = false
        var index = from
        while index < to {
            let byte = bytes[index]
            if byte == 0x0A { return true }
            if byte == 0x2E || byte == 0x21 || byte == 0x3F { sawStop = true }
            if byte == 0xE2, index + 2 < to, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA6 { sawStop = true }
            if sawStop && isSpace(byte) { return true }
            index += 1
        }
        return false
    }

    /// True if `bytes[from..<to]` holds a line break (windows stay within a paragraph).
    static func containsLineBreak(_ bytes: [UInt8], from: Int, to: Int) -> Bool {
        var index = from
        while index < to {
            if bytes[index] == 0x0A || bytes[index] == 0x0D { return true }
            index += 1
        }
        return false
    }
}
