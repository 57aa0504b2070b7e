/// One token of analysed text: a syllable, number, code or abbreviation form, with both index keys.
public struct Token: Hashable, Sendable {
    /// The token's text as it appears in the input (original marks, case and spelling).
    public var text: String
    /// Token position (0-based). A joined abbreviation form (`qsqp` from `QS-QP`) shares the
    /// position of its last part.
    public var position: Int
    /// Exact key: cleaned, NFC, lowercase, tone mark on its canonical (2018 main-vowel) place.
    public var exact: String
    /// Folded key: every mark removed, `đ` → `d`, open consonant + `y` → consonant + `i`.
    public var folded: String
    /// UTF-8 byte offset of the token's first byte in the input as given.
    public var start: Int
    /// UTF-8 byte offset one past the token's last byte in the input as given.
    public var end: Int
    /// True for the joined form of a hyphenated or dotted abbreviation, which is stacked on another
    /// token's position and does not count toward the field length.
    public var isJoinedForm: Bool
    /// True if the cleaned token contains a non-ASCII letter (a Vietnamese mark or `đ`, in any case,
    /// NFC or NFD): a query token like this matches exact keys; otherwise folded keys.
    public var hasNonASCIILetter: Bool

    public init(text: String, position: Int, exact: String, folded: String, start: Int, end: Int,
                isJoinedForm: Bool, hasNonASCIILetter: Bool) {
        self.text = text
        self.position = position
        self.exact = exact
        self.folded = folded
        self.start = start
        self.end = end
        self.isJoinedForm = isJoinedForm
        self.hasNonASCIILetter = hasNonASCIILetter
    }
}

/// The result of analysing one text.
public struct AnalyzedText: Hashable, Sendable {
    public var tokens: [Token]
    /// Number of distinct positions (the field length `dl` for BM25); joined forms add nothing.
    public var positionCount: Int

    public init(tokens: [Token], positionCount: Int) {
        self.tokens = tokens
        self.positionCount = positionCount
    }
}
