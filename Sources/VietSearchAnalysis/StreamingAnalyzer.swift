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
            try analysis.analyze(bytes, chunkBytes: chunkBytes, payloadChannel: nil, known: { _, _ in },
                                 token: { try token($0); return Self.noPayload }, pieceEnd: pieceEnd)
        }
    }

    /// A payload value that stands for none (see `analyze(_:chunkBytes:payloadChannel:known:token:pieceEnd:)`).
    public static let noPayload = SyllableKeyCache.noPayload

    /// Like `analyze(_:chunkBytes:token:pieceEnd:)`, for a caller that derives something from a token's
    /// keys (the indexer: the builder's term ids): `token` returns a payload for the token's spelling
    /// (or `noPayload`), which the analyser keeps beside the spelling's cached keys in `payloadChannel`
    /// (0 ..< 256; the indexer's field number); later tokens of spellings with a payload in the channel
    /// are handed to `known(payloads, positions)` instead, in runs of consecutive such tokens (every token
    /// before a run has been handed over before it, every token after it after it), without their keys
    /// being decoded. Positions are clamped to `UInt32`. Payloads live as long as the cache holds the
    /// spelling (the cache is refilled now and then) or until `forgetPayloads()`.
    public func analyze(_ text: String, chunkBytes: Int, payloadChannel: UInt8,
                        known: (UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt32>) throws -> Void,
                        token: (KeyedToken) throws -> UInt64, pieceEnd: () throws -> Void) rethrows -> Int {
        var input = text
        return try input.withUTF8 { bytes in
            try analysis.analyze(bytes, chunkBytes: chunkBytes, payloadChannel: Int(payloadChannel), known: known,
                                 token: token, pieceEnd: pieceEnd)
        }
    }

    /// Drops every payload of every channel (the values they stand for stopped being valid).
    public func forgetPayloads() {
        analysis.forgetPayloads()
    }

    /// Analyses `text` whole, calling `token` for each token in order; returns the position count.
    public func analyze(_ text: String, token: (KeyedToken) throws -> Void) rethrows -> Int {
        try analyze(text, chunkBytes: Int.max / 2, token: token, pieceEnd: {})
    }
}
