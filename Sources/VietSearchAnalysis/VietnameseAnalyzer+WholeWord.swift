extension VietnameseAnalyzer {
    /// The one token `analyze(text)` gives when `text` is a single plain word, else nil (then call
    /// `analyze`). A plain word is what the indexer's fast path (`FastRunSplitter`) keys without cleaning:
    /// letters and digits only, no combining mark, invisible character or ETH, no connector, and not digits
    /// glued to a non-ASCII letter. Its keys are made as that fast path makes them (`StreamingAnalyzerTests`
    /// hold the fast path to `analyze`), without the cleaner, token stream and token array `analyze` builds
    /// (~5k instructions a query word, callgrind): most query words are one syllable.
    public func wholeWordToken(_ text: String) -> Token? {
        var input = text
        return input.withUTF8 { bytes -> Token? in
            guard let keying = FastRunSplitter.wholeWordKeying(bytes) else { return nil }
            let keys: KeyBuilder.Keys
            switch keying {
            case .asciiCode, .asciiWord:
                keys = Self.asciiKeys(bytes, unifyingFinalY: keying == .asciiWord)
            case .word:
                keys = Self.wordKeys(bytes)
            }
            return Token(text: keys.text, position: 0, exact: keys.exact, folded: keys.folded, start: 0,
                         end: bytes.count, isJoinedForm: false, hasNonASCIILetter: keys.hasNonASCIILetter)
        }
    }

    /// An ASCII word or code, keyed by `KeyBuilder.asciiKeys` (as the indexer's fast path keys it); a key equal
    /// to the text before it shares that string.
    private static func asciiKeys(_ word: UnsafeBufferPointer<UInt8>, unifyingFinalY: Bool) -> KeyBuilder.Keys {
        let text = String(decoding: word, as: UTF8.self)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * word.count) { scratch in
            let keys = KeyBuilder.asciiKeys(word, into: scratch.baseAddress!, unifyingFinalY: unifyingFinalY)
            let exact = keys.exact.elementsEqual(word) ? text : String(decoding: keys.exact, as: UTF8.self)
            let folded = keys.folded.baseAddress == keys.exact.baseAddress || keys.folded.elementsEqual(keys.exact)
                ? exact : String(decoding: keys.folded, as: UTF8.self)
            return KeyBuilder.Keys(text: text, exact: exact, folded: folded, hasNonASCIILetter: false)
        }
    }

    /// A word with a non-ASCII letter: its scalars (its cleaned text, as nothing needs cleaning) through
    /// `KeyBuilder`, as `StreamingAnalysis.keys(of:at:)` does.
    private static func wordKeys(_ word: UnsafeBufferPointer<UInt8>) -> KeyBuilder.Keys {
        let tables = AnalysisTables.shared
        return withUnsafeTemporaryAllocation(of: CleanScalar.self, capacity: word.count) { scalars in
            var count = 0
            var index = 0
            while index < word.count {
                let (value, length) = UTF8Encoding.decode(word, at: index)
                scalars.initializeElement(at: count, to: CleanScalar(value: value, kind: tables.kind(of: value),
                                                                     start: index, end: index + length))
                count += 1
                index += length
            }
            defer { _ = UnsafeMutableBufferPointer(rebasing: scalars[0..<count]).deinitialize() }
            // Scratch as `KeyBuilder.keys` sizes it: a scalar per scalar, 8 bytes of keys per scalar.
            return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count) { letters in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8 * count) { keyBytes in
                    KeyBuilder.keys(UnsafeBufferPointer(rebasing: scalars[0..<count]), from: 0, to: count,
                                    skipConnectors: false, original: word, tables: tables,
                                    tonePlacement: TonePlacement(tables: tables), letters: letters, bytes: keyBytes)
                }
            }
        }
    }
}
