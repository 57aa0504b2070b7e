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
}
