/// One token as `StreamingAnalyzer` hands it over: its keys as UTF-8 bytes, valid only during the call.
public struct KeyedToken {
    /// Token position (0-based); a joined abbreviation form shares its last part's position.
    public var position: Int
    /// UTF-8 byte offsets of the token in the input as given (`start..<end`).
    public var start: Int
    public var end: Int
    /// The exact key (see `Token.exact`); its memory is reused after the call returns.
    public var exact: UnsafeBufferPointer<UInt8>
    /// The folded key (see `Token.folded`); its memory is reused after the call returns.
    public var folded: UnsafeBufferPointer<UInt8>
    /// See `Token.isJoinedForm`.
    public var isJoinedForm: Bool
    /// See `Token.hasNonASCIILetter`.
    public var hasNonASCIILetter: Bool
    /// −1, or a number ≥ 0 that the same analyser gives only to tokens with these same keys (for a caller
    /// that caches what it derives from the keys). `keyID & (StreamingAnalyzer.keyIDSlotCount − 1)`
    /// spreads the ids over that many slots: ids in one slot are different keys over time.
    public var keyID: Int = -1
}
