/// One fragment of a hit's stored field, with the words that matched the query marked.
///
/// `text` is an exact slice of the stored value (original marks, case, spelling and Unicode form), cut only
/// on token boundaries (or the whitespace next to them), never inside a syllable or a multi-byte character.
///
/// Two kinds of offsets are given for the same highlights:
/// - `highlights`: UTF-8 byte ranges into `text` (`Array(text.utf8)[start..<end]`);
/// - `characterHighlights`: ranges in Unicode scalars into `text` (`Array(text.unicodeScalars)[start..<end]`,
///   Python's `text[start:end]`). Scalars, not grapheme clusters: in NFD text a letter with its marks is
///   several scalars, and a highlight always covers a token's marks.
///
/// A phrase match is one highlight spanning the whole phrase; overlapping matches are merged into one range.
public struct Snippet: Sendable, Equatable {
    /// The stored field the fragment comes from.
    public var field: String
    /// The fragment: a slice of the stored value.
    public var text: String
    /// Matched spans, as UTF-8 byte ranges into `text`, in order, non-overlapping.
    public var highlights: [(start: Int, end: Int)]
    /// The same spans as Unicode scalar ranges into `text`.
    public var characterHighlights: [(start: Int, end: Int)]
    /// UTF-8 byte offset of `text` in the stored field value.
    public var byteOffset: Int
    /// True if `text` starts at the beginning of the field (nothing was cut before it).
    public var startsAtFieldStart: Bool
    /// True if `text` ends at the end of the field (nothing was cut after it).
    public var endsAtFieldEnd: Bool

    public init(field: String, text: String, highlights: [(start: Int, end: Int)],
                characterHighlights: [(start: Int, end: Int)], byteOffset: Int,
                startsAtFieldStart: Bool, endsAtFieldEnd: Bool) {
        self.field = field
        self.text = text
        self.highlights = highlights
        self.characterHighlights = characterHighlights
        self.byteOffset = byteOffset
        self.startsAtFieldStart = startsAtFieldStart
        self.endsAtFieldEnd = endsAtFieldEnd
    }

    /// The highlighted substrings, in order (convenience for display and tests).
    public var highlightedTexts: [String] {
        let bytes = Array(text.utf8)
        return highlights.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
    }

    public static func == (lhs: Snippet, rhs: Snippet) -> Bool {
        lhs.field == rhs.field && lhs.text.utf8.elementsEqual(rhs.text.utf8) && lhs.byteOffset == rhs.byteOffset
            && lhs.startsAtFieldStart == rhs.startsAtFieldStart && lhs.endsAtFieldEnd == rhs.endsAtFieldEnd
            && lhs.highlights.elementsEqual(rhs.highlights) { $0 == $1 }
            && lhs.characterHighlights.elementsEqual(rhs.characterHighlights) { $0 == $1 }
    }
}
