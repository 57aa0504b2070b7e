/// Turns Vietnamese text into tokens (see ../shared/VIETNAMESE.md and README "Analysis").
/// Stateless and cheap to copy; safe to use from many threads.
///
/// Pipeline, all on UTF-8 bytes and Unicode scalars with lookup tables (`AnalysisTables`), never on
/// `Character`, and without Foundation:
/// 1. `TextCleaner`: invisible characters deleted, space separators → U+0020, combining marks reordered
///    (shape before tone) and composed with generated Latin tables, ETH repaired; every cleaned scalar
///    keeps the byte range of the input it came from.
/// 2. `TokenStream`: syllables, number groups, codes and abbreviations (with joined forms), positions.
/// 3. `KeyBuilder`: lowercase exact key with the tone moved by `TonePlacement` (2018 main-vowel rule),
///    folded key (marks and `đ` removed, open consonant + `y` → `i`). `TokenKeyCache` reuses the keys of
///    token texts already seen in the same call.
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
