extension DiacriticRestorer {
    /// True when a word of `query` split at spaces (as `Character`s) is `AND`, `OR` or `NOT`.
    static func hasOperatorWord(_ query: String) -> Bool {
        var text = query
        let (plain, mayHold) = text.withUTF8 { scanOperatorWords($0) }
        if plain { return true }
        // Only a query with an A, O or N byte can hold an operator word: the others skip splitting.
        guard mayHold else { return false }
        let words = query.split(separator: " ")
        return words.contains(where: { $0 == "AND" || $0 == "OR" || $0 == "NOT" })
    }

    /// `hasOperatorWord`'s byte test alone (tests): true only when `query` surely has an operator word.
    static func hasPlainOperatorWord(_ query: String) -> Bool {
        var text = query
        return text.withUTF8 { scanOperatorWords($0).plain }
    }

    /// A sufficient byte test for an operator word (the split allocates an array of substrings, ~10k
    /// instructions, most of a short query's suggestion test): the operator's bytes with, on each side, the
    /// start or end of the query or an ASCII space that is a `Character` of its own (the separator), so the
    /// word between is exactly the operator. A space is its own `Character` when the scalar before it is not
    /// a prepended mark (GB9b) and the one after it is not an extender, ZWJ or spacing mark (GB9, GB9a):
    /// true of ASCII and of the Latin letters Vietnamese is written with (`hứng OR ước`), which are all the
    /// neighbours this test accepts (`isPlainNeighbour`). `plain` false does not mean there is none;
    /// `mayHold` is false when there is no A, O or N byte at all (then there is none).
    private static func scanOperatorWords(_ bytes: UnsafeBufferPointer<UInt8>) -> (plain: Bool, mayHold: Bool) {
        let count = bytes.count
        var mayHold = false
        for start in 0..<count {
            let length: Int
            switch bytes[start] {
            case 0x41: length = 3 // AND
            case 0x4F: length = 2 // OR
            case 0x4E: length = 3 // NOT
            default: continue
            }
            mayHold = true
            let end = start + length
            if end <= count && matchesOperator(bytes, from: start, length: length)
                && (start == 0 || (bytes[start - 1] == 0x20 && (start == 1 || scalarEnding(bytes, at: start - 2).map(isPlainNeighbour) == true)))
                && (end == count || (bytes[end] == 0x20 && (end + 1 == count || scalarStarting(bytes, at: end + 1).map(isPlainNeighbour) == true))) {
                return (true, true)
            }
        }
        return (false, mayHold)
    }

    private static func matchesOperator(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, length: Int) -> Bool {
        switch (bytes[start], length) {
        case (0x41, 3): return bytes[start + 1] == 0x4E && bytes[start + 2] == 0x44
        case (0x4F, 2): return bytes[start + 1] == 0x52
        case (0x4E, 3): return bytes[start + 1] == 0x4F && bytes[start + 2] == 0x54
        default: return false
        }
    }

    /// ASCII or `LatinLetterBlocks`: never a prepended mark, an extender, ZWJ or a spacing mark, so a space
    /// beside one is a `Character` of its own.
    private static func isPlainNeighbour(_ value: UInt32) -> Bool {
        value < 0x80 || LatinLetterBlocks.contains(value)
    }

    /// The scalar whose UTF-8 bytes start at `index`, or nil when they are not one of 1–3 bytes inside
    /// the buffer (a 4-byte scalar is never a plain neighbour).
    private static func scalarStarting(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return lead }
        if lead & 0xE0 == 0xC0, index + 1 < bytes.count {
            return (lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
        }
        if lead & 0xF0 == 0xE0, index + 2 < bytes.count {
            return (lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
        }
        return nil
    }

    /// The scalar whose last UTF-8 byte is at `index` (walks back over at most two continuation bytes), or
    /// nil when it is longer than 3 bytes.
    private static func scalarEnding(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
        var lead = index
        while lead > 0 && index - lead < 2 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard let value = scalarStarting(bytes, at: lead), utf8Length(value) == index - lead + 1 else { return nil }
        return value
    }

    private static func utf8Length(_ value: UInt32) -> Int {
        value < 0x80 ? 1 : value < 0x800 ? 2 : value < 0x10000 ? 3 : 4
    }
}
