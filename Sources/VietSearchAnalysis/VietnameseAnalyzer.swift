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
        return input.withUTF8 { Self.analyze(bytes: $0) }
    }

    /// Analyses `text` in pieces of about `chunkBytes` bytes cut where `analyze` cuts its cleaning
    /// windows (before an ASCII space or punctuation mark, which no token crosses), calling `body` with
    /// each piece's tokens in order. Positions and byte offsets are relative to the whole text, so the
    /// tokens are exactly those of `analyze(text)`, but a huge text never has all of them in memory.
    /// Returns the position count (the field length).
    public func analyze(_ text: String, chunkBytes: Int, _ body: ([Token]) throws -> Void) rethrows -> Int {
        var input = text
        return try input.withUTF8 { bytes in
            let tables = AnalysisTables.shared
            var positions = 0
            var chunkStart = 0
            while chunkStart < bytes.count {
                let chunkEnd = Self.windowEnd(in: bytes, from: chunkStart, size: max(1, chunkBytes), tables: tables)
                var piece = Self.analyze(bytes: UnsafeBufferPointer(rebasing: bytes[chunkStart..<chunkEnd]))
                if chunkStart > 0 || positions > 0 {
                    for index in piece.tokens.indices {
                        piece.tokens[index].position += positions
                        piece.tokens[index].start += chunkStart
                        piece.tokens[index].end += chunkStart
                    }
                }
                try body(piece.tokens)
                positions += piece.positionCount
                chunkStart = chunkEnd
            }
            return positions
        }
    }

    private static func analyze(bytes: UnsafeBufferPointer<UInt8>) -> AnalyzedText {
        let tables = AnalysisTables.shared
        let cleaner = TextCleaner(tables: tables)
        var stream = TokenStream(original: bytes, tables: tables)
        // Long texts are cleaned and cut in windows that end before an ASCII space or punctuation
        // mark: nothing the cleaner or tokeniser does crosses one, and scratch memory stays small.
        var windowStart = 0
        while windowStart < bytes.count {
            let windowEnd = Self.windowEnd(in: bytes, from: windowStart, size: windowSize, tables: tables)
            let cleaned = cleaner.clean(UnsafeBufferPointer(rebasing: bytes[windowStart..<windowEnd]),
                                        base: windowStart)
            cleaned.withUnsafeBufferPointer { stream.run($0) }
            windowStart = windowEnd
        }
        return AnalyzedText(tokens: stream.tokens, positionCount: stream.position)
    }

    /// Bytes per cleaning window, before moving on to the next safe boundary (see `windowEnd`).
    static let windowSize = 1 << 16

    /// End of the window that starts at `start`: the first ASCII space, control or punctuation byte
    /// other than a connector (`. , / : -` can join a token across it) at or after `start + size`
    /// (it begins the next window), or the end of the input.
    private static func windowEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, size: Int,
                                  tables: AnalysisTables) -> Int {
        var end = start + size
        while end < bytes.count {
            let byte = bytes[end]
            if byte < 0x80 {
                let kind = tables.kind(of: UInt32(byte))
                if kind == .space || kind == .separator { return end }
            }
            end += 1
        }
        return bytes.count
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
