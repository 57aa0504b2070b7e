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

/// The indexer's analyser: the tokens, positions, offsets and keys of `VietnameseAnalyzer.analyze`,
/// handed to a closure one by one as bytes, with no `String` or token array made.
///
/// Text that needs no cleaning (see `FastRunSplitter`) is tokenised straight from its UTF-8 bytes, and
/// the keys of its non-ASCII words come from a cache kept across calls (`SyllableKeyCache`); anything
/// else (combining marks, invisible characters, ETH, abbreviations, hyphenated words) goes through
/// `VietnameseAnalyzer`'s general pipeline, from the last safe point before it. Not thread-safe: use one
/// per thread (it owns scratch memory and the cache).
public final class StreamingAnalyzer {
    private let tables = AnalysisTables.shared
    private var splitter: FastRunSplitter
    /// Made on first use: an encoder that only validates documents never needs its half megabyte.
    private lazy var cache = SyllableKeyCache()
    private var keyBuilder: KeyBuilder
    /// Scratch for keys made on the fly: the exact key, then the folded key.
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 256
    /// A word's scalars, for `keyBuilder` when its keys are not cached.
    private var wordScalars: [CleanScalar] = []
    /// Position of the next token of the text being analysed.
    private var position = 0
    /// When set, every piece of text takes the general path (tests compare the two paths).
    private let generalPathOnly: Bool

    /// `generalPathOnly` (tests) sends all text through the general pipeline.
    public init(generalPathOnly: Bool = false) {
        self.generalPathOnly = generalPathOnly
        splitter = FastRunSplitter(tables: tables)
        keyBuilder = KeyBuilder(tables: tables)
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        scratch.deallocate()
    }

    /// Analyses `text`, calling `token` for each token in order, and `pieceEnd` after each piece of about
    /// `chunkBytes` bytes (cut where `VietnameseAnalyzer.analyze(_:chunkBytes:_:)` cuts: tokens after it
    /// have higher positions than those before). Returns the position count (the field length).
    public func analyze(_ text: String, chunkBytes: Int, token: (KeyedToken) throws -> Void,
                        pieceEnd: () throws -> Void) rethrows -> Int {
        var input = text
        return try input.withUTF8 { bytes in
            position = 0
            var pieceStart = 0
            while pieceStart < bytes.count {
                let end = safeEnd(of: bytes, from: pieceStart, size: max(1, chunkBytes))
                try analyzePiece(bytes, from: pieceStart, to: end, token)
                try pieceEnd()
                pieceStart = end
            }
            return position
        }
    }

    /// Analyses `text` whole, calling `token` for each token in order; returns the position count.
    public func analyze(_ text: String, token: (KeyedToken) throws -> Void) rethrows -> Int {
        try analyze(text, chunkBytes: Int.max / 2, token: token, pieceEnd: {})
    }

    private func analyzePiece(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                              _ token: (KeyedToken) throws -> Void) rethrows {
        var index = start
        while index < end {
            if generalPathOnly {
                index = try analyzeGenerally(bytes, from: index, to: end, token)
                continue
            }
            let outcome = splitter.split(bytes, from: index, limit: end)
            for span in splitter.spans { try emit(span, in: bytes, token) }
            index = outcome.end
            if outcome.needsGeneralPath {
                let regionEnd = safeEnd(of: bytes, from: index, size: Self.generalRegionBytes, limit: end)
                index = try analyzeGenerally(bytes, from: index, to: regionEnd, token)
            }
        }
    }

    /// Least text handed to the general path at once (its setup costs a few allocations).
    private static let generalRegionBytes = 1_024

    /// First safe point (see `FastRunSplitter`) at or after `start + size`, or `limit`.
    private func safeEnd(of bytes: UnsafeBufferPointer<UInt8>, from start: Int, size: Int, limit: Int? = nil) -> Int {
        let limit = limit ?? bytes.count
        var end = start + min(size, limit - start)
        while end < limit && !splitter.isSafePoint(bytes[end]) { end += 1 }
        return end
    }

    /// `bytes[start..<end]` through `TextCleaner` and `TokenStream`; returns `end`.
    private func analyzeGenerally(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                  _ token: (KeyedToken) throws -> Void) rethrows -> Int {
        let cleaned = TextCleaner(tables: tables).clean(UnsafeBufferPointer(rebasing: bytes[start..<end]), base: start)
        var stream = TokenStream(original: bytes, tables: tables, expectedBytes: end - start)
        cleaned.withUnsafeBufferPointer { stream.run($0) }
        for found in stream.tokens {
            var exact = found.exact
            var folded = found.folded
            try exact.withUTF8 { exactBytes in
                try folded.withUTF8 { foldedBytes in
                    try token(KeyedToken(position: position + found.position, start: found.start, end: found.end,
                                         exact: exactBytes, folded: foldedBytes, isJoinedForm: found.isJoinedForm,
                                         hasNonASCIILetter: found.hasNonASCIILetter))
                }
            }
        }
        position += stream.position
        return end
    }

    /// Keys a span found by the fast path and hands it over.
    @inline(__always)
    private func emit(_ span: FastRunSplitter.Span, in bytes: UnsafeBufferPointer<UInt8>,
                      _ token: (KeyedToken) throws -> Void) rethrows {
        let word = UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
        defer { position += 1 }
        switch span.keying {
        case .asciiCode, .asciiWord:
            ensureScratch(2 * word.count)
            for index in 0..<word.count {
                let byte = word[index]
                scratch[index] = byte &- 0x41 < 26 ? byte + 0x20 : byte
            }
            let exact = UnsafeBufferPointer(start: scratch, count: word.count)
            var folded = exact
            if span.keying == .asciiWord && word.count <= 4 && scratch[word.count - 1] == 0x79 {
                let foldedStart = scratch + word.count
                foldedStart.update(from: scratch, count: word.count)
                let foldedBuffer = UnsafeMutableBufferPointer(start: foldedStart, count: word.count)
                KeyBuilder.unifyFinalY(foldedBuffer)
                folded = UnsafeBufferPointer(foldedBuffer)
            }
            try token(KeyedToken(position: position, start: span.start, end: span.end, exact: exact, folded: folded,
                                 isJoinedForm: false, hasNonASCIILetter: false))
        case .word:
            let hash = SyllableKeyCache.hash(word)
            if let entry = cache.lookup(word, hash: hash) {
                try token(KeyedToken(position: position, start: span.start, end: span.end, exact: cache.exact(entry),
                                     folded: cache.folded(entry), isJoinedForm: false,
                                     hasNonASCIILetter: entry.hasNonASCIILetter))
                return
            }
            var made = keys(of: word, at: span.start)
            let hasNonASCIILetter = made.hasNonASCIILetter
            try made.exact.withUTF8 { exact in
                try made.folded.withUTF8 { folded in
                    if word.count <= SyllableKeyCache.maximumWordBytes {
                        cache.insert(word, hash: hash, exact: exact, folded: folded,
                                     hasNonASCIILetter: hasNonASCIILetter)
                    }
                    try token(KeyedToken(position: position, start: span.start, end: span.end, exact: exact,
                                         folded: folded, isJoinedForm: false,
                                         hasNonASCIILetter: hasNonASCIILetter))
                }
            }
        }
    }

    /// Keys of a fast-path word (no cleaning needed: its scalars are its cleaned text).
    private func keys(of word: UnsafeBufferPointer<UInt8>, at offset: Int) -> KeyBuilder.Keys {
        wordScalars.removeAll(keepingCapacity: true)
        var index = 0
        while index < word.count {
            let (value, length) = UTF8Encoding.decode(word, at: index)
            wordScalars.append(CleanScalar(value: value, kind: tables.kind(of: value), start: offset + index,
                                           end: offset + index + length))
            index += length
        }
        return wordScalars.withUnsafeBufferPointer {
            keyBuilder.keys($0, from: 0, to: $0.count, skipConnectors: false, original: word)
        }
    }

    private func ensureScratch(_ count: Int) {
        guard count > scratchCapacity else { return }
        scratch.deallocate()
        scratchCapacity = max(count, 2 * scratchCapacity)
        scratch = .allocate(capacity: scratchCapacity)
    }
}
