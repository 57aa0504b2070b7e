/// The indexer's analyser: the tokens, positions, offsets and keys of `VietnameseAnalyzer.analyze`,
/// handed to a closure one by one as bytes, with no `String` or token array made.
///
/// Text that needs no cleaning (see `FastRunSplitter`) is tokenised straight from its UTF-8 bytes, and
/// the keys of its non-ASCII words come from a cache kept across calls (`SyllableKeyCache`); anything
/// else (combining marks, invisible characters, ETH, abbreviations, hyphenated words) goes through
/// `VietnameseAnalyzer`'s general pipeline, from the last safe point before it. Not thread-safe: use one
/// per thread (it owns scratch memory and the cache).
public final class StreamingAnalyzer {
    private var analysis: StreamingAnalysis

    /// An analyser with an empty key cache; its memory (about 600 KB) is touched on first use.
    public init() {
        analysis = StreamingAnalysis(generalPathOnly: false)
    }

    /// `generalPathOnly` sends all text through the general pipeline (tests compare the two paths).
    package init(generalPathOnly: Bool) {
        analysis = StreamingAnalysis(generalPathOnly: generalPathOnly)
    }

    /// See `KeyedToken.keyID`.
    public static let keyIDSlotCount = SyllableKeyCache.slotCount

    deinit {
        analysis.deallocate()
    }

    /// Analyses `text`, calling `token` for each token in order, and `pieceEnd` after each piece of about
    /// `chunkBytes` bytes (cut where `VietnameseAnalyzer.analyze(_:chunkBytes:_:)` cuts: tokens after it
    /// have higher positions than those before). Returns the position count (the field length). The
    /// closures must not call this analyser.
    public func analyze(_ text: String, chunkBytes: Int, token: (KeyedToken) throws -> Void,
                        pieceEnd: () throws -> Void) rethrows -> Int {
        var input = text
        return try input.withUTF8 { bytes in
            try analysis.analyze(bytes, chunkBytes: chunkBytes, token: token, pieceEnd: pieceEnd)
        }
    }

    /// Analyses `text` whole, calling `token` for each token in order; returns the position count.
    public func analyze(_ text: String, token: (KeyedToken) throws -> Void) rethrows -> Int {
        try analyze(text, chunkBytes: Int.max / 2, token: token, pieceEnd: {})
    }
}
