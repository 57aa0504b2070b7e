/// The state and steps of `StreamingAnalyzer`, kept in a struct so that the hot loops reach it without
/// the exclusivity checks a class's stored properties cost on every access.
struct StreamingAnalysis {
    private let tables = AnalysisTables.shared
    private var splitter = FastRunSplitter()
    private var cache = SyllableKeyCache()
    private var keyBuilder = KeyBuilder(tables: AnalysisTables.shared)
    /// Scratch for keys made on the fly: the exact key, then the folded key.
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 256
    /// A word's scalars, for `keyBuilder` when its keys are not cached.
    private var wordScalars: [CleanScalar] = []
    /// Position of the next token of the text being analysed.
    var position = 0
    /// When set, every piece of text takes the general path (tests compare the two paths).
    private let generalPathOnly: Bool
    /// Known tokens (spellings with a payload) not yet handed over.
    private var knownRun = KnownTokenRun(capacity: 2_048)

    init(generalPathOnly: Bool) {
        self.generalPathOnly = generalPathOnly
        scratch = .allocate(capacity: scratchCapacity)
    }

    /// Frees the scratch memory and the cache; the value must not be used afterwards.
    func deallocate() {
        scratch.deallocate()
        splitter.deallocate()
        cache.deallocate()
        knownRun.deallocate()
    }

    /// See `StreamingAnalyzer.analyze(_:chunkBytes:payloadChannel:known:token:pieceEnd:)`; `payloadChannel`
    /// nil: no payloads (every token goes to `token`, whose result is ignored).
    mutating func analyze(_ bytes: UnsafeBufferPointer<UInt8>, chunkBytes: Int, payloadChannel: Int?,
                          known: (UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt32>) throws -> Void,
                          token: (KeyedToken) throws -> UInt64, pieceEnd: () throws -> Void) rethrows -> Int {
        position = 0
        cache.prepare()
        let payloads = payloadChannel.map { cache.payloads(channel: $0) }
        var pieceStart = 0
        while pieceStart < bytes.count {
            let end = safeEnd(of: bytes, from: pieceStart, size: max(1, chunkBytes))
            try analyzePiece(bytes, from: pieceStart, to: end, payloads: payloads, known: known, token: token)
            try pieceEnd()
            pieceStart = end
        }
        return position
    }

    /// Drops the payloads of every channel (see `SyllableKeyCache.forgetPayloads`).
    func forgetPayloads() {
        cache.forgetPayloads()
    }

    mutating func analyzePiece(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                               payloads: UnsafeMutablePointer<UInt64>?,
                               known: (UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt32>) throws -> Void,
                               token: (KeyedToken) throws -> UInt64) rethrows {
        var index = start
        while index < end {
            if generalPathOnly {
                index = try analyzeGenerally(bytes, from: index, to: end, token)
                continue
            }
            let outcome = splitter.split(bytes, from: index, limit: end)
            // Each fast-path span is one token: positions follow the span index (kept in a local
            // rather than in `position`, a store per token).
            let first = position
            let spans = splitter.spans
            knownRun.reserve(spans.count)
            var spanIndex = 0
            while spanIndex < spans.count {
                if let payloads {
                    spanIndex = collectKnown(spans, from: spanIndex, at: first, in: bytes, payloads: payloads)
                    guard spanIndex < spans.count else { break }
                }
                try emit(spans[spanIndex], at: first + spanIndex, in: bytes, payloads: payloads, known: known, token: token)
                spanIndex += 1
            }
            try knownRun.flush(known)
            position = first + spans.count
            index = outcome.end
            if outcome.needsGeneralPath {
                let regionEnd = safeEnd(of: bytes, from: index, size: Self.generalRegionBytes, limit: end)
                index = try analyzeGenerally(bytes, from: index, to: regionEnd, token)
            }
        }
    }

    /// Adds the known tokens among `spans` from `start` to the run, up to the first other one; returns
    /// its index (or the span count). The common case in a loop of its own, with no call inside, so that
    /// the run, the cache's table and the payloads stay in registers (`emit` handles the other tokens).
    @inline(__always)
    private mutating func collectKnown(_ spans: UnsafeBufferPointer<FastRunSplitter.Span>, from start: Int, at first: Int,
                                       in bytes: UnsafeBufferPointer<UInt8>, payloads: UnsafeMutablePointer<UInt64>) -> Int {
        var run = knownRun
        defer { knownRun = run }
        var index = start
        while index < spans.count {
            let span = spans[index]
            guard span.keying != .asciiCode, let key = SyllableKeyCache.key(bytes, from: span.start, to: span.end),
                  let slot = cache.slot(of: key) else { break }
            let payload = payloads[slot]
            guard payload != SyllableKeyCache.noPayload else { break }
            run.append(payload: payload, position: first &+ index)  // a span's position: no overflow to check
            index &+= 1
        }
        return index
    }

    /// Least text handed to the general path at once (at least 1, so that it always moves on): the
    /// text from the safe point before what the fast path refused to the first safe point after this
    /// many bytes.
    private static let generalRegionBytes = 1

    /// First safe point (see `FastRunSplitter`) at or after `start + size`, or `limit`.
    func safeEnd(of bytes: UnsafeBufferPointer<UInt8>, from start: Int, size: Int, limit: Int? = nil) -> Int {
        let limit = limit ?? bytes.count
        var end = start + min(size, limit - start)
        while end < limit && !splitter.isSafePoint(bytes[end]) { end += 1 }
        return end
    }

    /// `bytes[start..<end]` through `TextCleaner` and `TokenStream`; returns `end`.
    private mutating func analyzeGenerally(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                           _ token: (KeyedToken) throws -> UInt64) rethrows -> Int {
        let cleaned = TextCleaner(tables: tables).clean(UnsafeBufferPointer(rebasing: bytes[start..<end]), base: start)
        var stream = TokenStream(original: bytes, tables: tables, expectedBytes: end - start)
        cleaned.withUnsafeBufferPointer { stream.run($0) }
        for found in stream.tokens {
            var exact = found.exact
            var folded = found.folded
            try exact.withUTF8 { exactBytes in
                try folded.withUTF8 { foldedBytes in
                    _ = try token(KeyedToken(position: position + found.position, start: found.start, end: found.end,
                                             exact: exactBytes, folded: foldedBytes, isJoinedForm: found.isJoinedForm,
                                             hasNonASCIILetter: found.hasNonASCIILetter))
                }
            }
        }
        position += stream.position
        return end
    }

    /// Keys a span found by the fast path and hands it over: a cached spelling with a payload in
    /// `payloads` joins the run of known tokens (one probe, no keys decoded), any other goes to `token`
    /// (after the run so far, to keep the order), whose result becomes the spelling's payload when it is
    /// cached.
    @inline(__always)
    private mutating func emit(_ span: FastRunSplitter.Span, at position: Int, in bytes: UnsafeBufferPointer<UInt8>,
                               payloads: UnsafeMutablePointer<UInt64>?,
                               known: (UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt32>) throws -> Void,
                               token: (KeyedToken) throws -> UInt64) rethrows {
        // ASCII words (12% of the harness corpus' tokens, ~1,500 distinct spellings) are cached like
        // syllables, so they get payloads too; codes and numbers are not (~17,000 distinct in the same
        // corpus, under 2% of tokens: they would only churn the cache).
        var key: SyllableKeyCache.Key?
        if span.keying != .asciiCode {
            key = SyllableKeyCache.key(bytes, from: span.start, to: span.end)
            if let key, let slot = cache.slot(of: key) {
                if let payloads {
                    let payload = payloads[slot]
                    if payload != SyllableKeyCache.noPayload {
                        knownRun.append(payload: payload, position: position)
                        return
                    }
                }
                try knownRun.flush(known)
                let hit = cache.hit(at: slot)
                let payload = try token(KeyedToken(position: position, start: span.start, end: span.end, exact: hit.exact,
                                                   folded: hit.folded, isJoinedForm: false,
                                                   hasNonASCIILetter: hit.hasNonASCIILetter, keyID: hit.entryID))
                payloads?[slot] = payload
                return
            }
        }
        try knownRun.flush(known)
        let word = UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
        switch span.keying {
        case .asciiCode, .asciiWord:
            ensureScratch(2 * word.count)
            let (exact, folded) = KeyBuilder.asciiKeys(word, into: scratch, unifyingFinalY: span.keying == .asciiWord)
            var keyID = -1
            if let key { keyID = cache.insert(key, exact: exact, folded: folded, hasNonASCIILetter: false) ?? -1 }
            let payload = try token(KeyedToken(position: position, start: span.start, end: span.end, exact: exact,
                                               folded: folded, isJoinedForm: false, hasNonASCIILetter: false, keyID: keyID))
            if keyID >= 0 { payloads?[keyID & (SyllableKeyCache.slotCount - 1)] = payload }
        case .word:
            var made = keys(of: word, at: span.start)
            let hasNonASCIILetter = made.hasNonASCIILetter
            try made.exact.withUTF8 { exact in
                try made.folded.withUTF8 { folded in
                    var keyID = -1
                    if let key {
                        keyID = cache.insert(key, exact: exact, folded: folded, hasNonASCIILetter: hasNonASCIILetter) ?? -1
                    }
                    let payload = try token(KeyedToken(position: position, start: span.start, end: span.end,
                                                       exact: exact, folded: folded, isJoinedForm: false,
                                                       hasNonASCIILetter: hasNonASCIILetter, keyID: keyID))
                    if keyID >= 0 { payloads?[keyID & (SyllableKeyCache.slotCount - 1)] = payload }
                }
            }
        }
    }

    /// Keys of a fast-path word (no cleaning needed: its scalars are its cleaned text).
    private mutating func keys(of word: UnsafeBufferPointer<UInt8>, at offset: Int) -> KeyBuilder.Keys {
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

    private mutating func ensureScratch(_ count: Int) {
        guard count > scratchCapacity else { return }
        scratch.deallocate()
        scratchCapacity = max(count, 2 * scratchCapacity)
        scratch = .allocate(capacity: scratchCapacity)
    }
}
