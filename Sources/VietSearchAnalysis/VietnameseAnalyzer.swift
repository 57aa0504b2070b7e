/// Turns Vietnamese text into tokens (see ../shared/VIETNAMESE.md and README "Analysis").
/// Stateless and cheap to copy; safe to use from many threads.
///
/// Pipeline: `TextCleaner` (invisible characters, spaces, mark order, composition, ETH) → `TokenStream`
/// (syllables, numbers, codes, abbreviations) → `KeyBuilder` (exact key with `TonePlacement`, folded key).
/// It works on UTF-8 bytes and scalars with lookup tables (`AnalysisTables`), never on `Character`.
public struct VietnameseAnalyzer: Sendable {
    public init() {}

    /// Cleans, tokenises and keys `text`. Never fails: any string gives a (possibly empty) result.
    public func analyze(_ text: String) -> AnalyzedText {
        var input = text
        return input.withUTF8 { bytes in
            let tables = AnalysisTables.shared
            let cleaned = TextCleaner(tables: tables).clean(bytes)
            return cleaned.withUnsafeBufferPointer { scalars in
                var stream = TokenStream(text: scalars, original: bytes, tables: tables)
                stream.run()
                return AnalyzedText(tokens: stream.tokens, positionCount: stream.position)
            }
        }
    }

    /// The cleaning step alone: invisible characters removed, NBSP-like spaces mapped to space,
    /// combining marks reordered (shape before tone) and composed (NFC), ETH repaired to Đ/đ.
    public func clean(_ text: String) -> String {
        var input = text
        return input.withUTF8 { bytes in
            TextCleaner(tables: AnalysisTables.shared).clean(bytes).makeString()
        }
    }
}
