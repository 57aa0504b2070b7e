import VietSearchAnalysis
import VietSearchStorage

/// The builder term ids an encoder's analyser keeps as payloads beside its cached spellings
/// (`StreamingAnalyzer.analyze(_:chunkBytes:payloadChannel:known:token:pieceEnd:)`, one channel per field
/// number): a repeated word is added by its two term ids after one probe of the analyser's cache, without
/// its keys being decoded, copied, hashed or compared.
///
/// The ids are valid for one builder and epoch (`SegmentBuilder.termIDEpoch`): `use(_:)` says when the
/// builder changed, so the encoder makes the analyser forget them. Used by one thread at a time.
final class TermIDPayloads {
    private weak var builder: SegmentBuilder?
    private var builderEpoch = 0

    /// Starts a document for `builder`; true if the payloads given out so far are not this builder's
    /// (the caller then forgets them).
    func use(_ builder: SegmentBuilder) -> Bool {
        guard self.builder !== builder || builderEpoch != builder.termIDEpoch else { return false }
        self.builder = builder
        builderEpoch = builder.termIDEpoch
        return true
    }

    /// The payload for a token's two term ids, in the form `SegmentBuilder.addTermPairs` takes (never
    /// `StreamingAnalyzer.noPayload`: a builder's term table numbers its terms below `UInt32.max`).
    @inline(__always)
    static func payload(exact: UInt32, folded: UInt32) -> UInt64 {
        UInt64(exact) << 32 | UInt64(folded)
    }
}
