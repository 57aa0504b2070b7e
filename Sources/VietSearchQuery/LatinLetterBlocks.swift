/// The Latin blocks Vietnamese is written with beyond ASCII: Latin-1 letters and Latin Extended-A/B
/// (U+00C0–U+024F), Latin Extended Additional (U+1E00–U+1EFF). Every scalar there is a letter or one of two
/// signs (×, ÷): none is white space, a prepended mark, a grapheme extender, ZWJ or a spacing mark, which
/// lets the query's hot byte and scalar tests answer them without Unicode property look-ups.
enum LatinLetterBlocks {
    @inline(__always)
    static func contains(_ value: UInt32) -> Bool {
        (0xC0...0x24F).contains(value) || (0x1E00...0x1EFF).contains(value)
    }
}
