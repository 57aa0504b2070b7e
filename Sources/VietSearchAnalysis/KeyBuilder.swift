/// Builds a token's exact and folded keys from its cleaned scalars. Scratch buffers are reused across
/// tokens, and a key string equal to one already made is shared rather than rebuilt, so keying a typical
/// token allocates nothing (short strings are stored inline by `String`).
struct KeyBuilder {
    /// What a token needs besides its position and offsets.
    struct Keys {
        var text: String
        var exact: String
        var folded: String
        var hasNonASCIILetter: Bool
    }

    private let tables: AnalysisTables
    private let tonePlacement: TonePlacement
    /// The token's scalars, lowercased.
    private var letters = KeyBuilder.initialLetters
    /// UTF-8 of the exact key followed by the folded key.
    private var bytes = KeyBuilder.initialBytes
    /// Shared first buffers, copied on the first write: `Array(repeating:count:)` for each builder (one per
    /// analysed query word) went through the standard library's unspecialised allocation, ~400 instructions
    /// more than the copy (callgrind).
    private static let initialLetters = [UInt32](repeating: 0, count: 64)
    private static let initialBytes = [UInt8](repeating: 0, count: 512)

    init(tables: AnalysisTables) {
        self.tables = tables
        self.tonePlacement = TonePlacement(tables: tables)
    }

    /// Keys of the scalars `from..<to` of `text` (connectors left out when `skipConnectors`, for joined
    /// abbreviation forms). `original` is the token's bytes in the input, its `text`. Tokens with a digit
    /// are numbers or codes: their tone marks are not moved and their folded key only loses marks.
    mutating func keys(_ text: UnsafeBufferPointer<CleanScalar>, from: Int, to: Int, skipConnectors: Bool,
                       original: UnsafeBufferPointer<UInt8>) -> Keys {
        let length = to - from
        if letters.count < length { letters = [UInt32](repeating: 0, count: max(length, letters.count * 2)) }
        if bytes.count < 8 * length { bytes = [UInt8](repeating: 0, count: max(8 * length, bytes.count * 2)) }
        var scratchLetters: [UInt32] = []
        var scratchBytes: [UInt8] = []
        swap(&scratchLetters, &letters)  // take the buffers out of self so closures can write them
        swap(&scratchBytes, &bytes)
        defer {
            swap(&scratchLetters, &letters)
            swap(&scratchBytes, &bytes)
        }
        let tables = self.tables
        let tonePlacement = self.tonePlacement
        return scratchLetters.withUnsafeMutableBufferPointer { lettersBuffer in
            scratchBytes.withUnsafeMutableBufferPointer { bytesBuffer in
                Self.keys(text, from: from, to: to, skipConnectors: skipConnectors, original: original, tables: tables,
                          tonePlacement: tonePlacement, letters: lettersBuffer, bytes: bytesBuffer)
            }
        }
    }

    /// `keys` with the caller's scratch: `lettersBuffer` holds at least `to - from` scalars and `bytesBuffer`
    /// at least 8 × that many bytes (a one-word caller passes stack memory instead of a builder's arrays,
    /// which cost two copies on first write and their releases, ~1k instructions a query word, callgrind).
    @inline(__always)
    static func keys(_ text: UnsafeBufferPointer<CleanScalar>, from: Int, to: Int, skipConnectors: Bool,
                     original: UnsafeBufferPointer<UInt8>, tables: AnalysisTables, tonePlacement: TonePlacement,
                     letters lettersBuffer: UnsafeMutableBufferPointer<UInt32>,
                     bytes bytesBuffer: UnsafeMutableBufferPointer<UInt8>) -> Keys {
        var count = 0
        var hasDigit = false
        var hasNonASCII = false
        var hasNonASCIILetter = false
        for index in from..<to {
            let scalar = text[index]
            if skipConnectors && scalar.kind == .connector { continue }
            let value = scalar.value
            if value < 0x80 {
                lettersBuffer[count] = value &- 0x41 < 26 ? value + 0x20 : value
                if scalar.kind == .digit { hasDigit = true }
            } else {
                lettersBuffer[count] = tables.lowercased(value)
                hasNonASCII = true
                if scalar.kind == .letter { hasNonASCIILetter = true }
            }
            count += 1
        }
        let token = UnsafeMutableBufferPointer(rebasing: lettersBuffer[0..<count])
        if hasNonASCIILetter && !hasDigit { tonePlacement.canonicalize(token) }
        var exactEnd = 0
        for value in token { exactEnd = UTF8Encoding.write(value, to: bytesBuffer, at: exactEnd) }
        let exactBytes = UnsafeBufferPointer(rebasing: bytesBuffer[0..<exactEnd])
        let exact = String(decoding: exactBytes, as: UTF8.self)
        let text = Self.same(exactBytes, original) ? exact : String(decoding: original, as: UTF8.self)
        var foldedEnd = exactEnd
        if hasNonASCII {
            for value in token where !(0x0300...0x036F).contains(value) {
                foldedEnd = UTF8Encoding.write(tables.folded(value), to: bytesBuffer, at: foldedEnd)
            }
        } else {
            for index in 0..<exactEnd { bytesBuffer[exactEnd + index] = bytesBuffer[index] }
            foldedEnd = 2 * exactEnd
        }
        let foldedBytes = UnsafeMutableBufferPointer(rebasing: bytesBuffer[exactEnd..<foldedEnd])
        if !hasDigit { Self.unifyFinalY(foldedBytes) }
        let folded = Self.same(UnsafeBufferPointer(foldedBytes), exactBytes) ? exact
            : String(decoding: UnsafeBufferPointer(foldedBytes), as: UTF8.self)
        return Keys(text: text, exact: exact, folded: folded, hasNonASCIILetter: hasNonASCIILetter)
    }

    /// Byte equality (the generic `elementsEqual` is several times slower here).
    @inline(__always) private static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for index in 0..<a.count where a[index] != b[index] { return false }
        return true
    }

    /// The keys of an ASCII word or code, written into `scratch` (room for `2 × word.count` bytes): the exact key
    /// is `word` lower-cased; the folded key is the exact one unless `unifyingFinalY` (a word, no digit) and the
    /// final `y` folds (`unifyFinalY`), then it is the folded copy after it. The indexer's fast path and the query's
    /// one-word shortcut both key ASCII this way.
    @inline(__always)
    static func asciiKeys(_ word: UnsafeBufferPointer<UInt8>, into scratch: UnsafeMutablePointer<UInt8>,
                          unifyingFinalY: Bool) -> (exact: UnsafeBufferPointer<UInt8>, folded: UnsafeBufferPointer<UInt8>) {
        for index in 0..<word.count {
            let byte = word[index]
            scratch[index] = byte &- 0x41 < 26 ? byte + 0x20 : byte
        }
        let exact = UnsafeBufferPointer(start: scratch, count: word.count)
        guard unifyingFinalY, word.count <= 4, word.count > 0, scratch[word.count - 1] == 0x79 else { return (exact, exact) }
        let foldedStart = scratch + word.count
        foldedStart.update(from: scratch, count: word.count)
        let folded = UnsafeMutableBufferPointer(start: foldedStart, count: word.count)
        unifyFinalY(folded)
        return (exact, UnsafeBufferPointer(folded))
    }

    /// VIETNAMESE.md §4: an open syllable consonant + `y` folds to consonant + `i` (`ky` → `ki`,
    /// `quy` → `qui`, `ty` → `ti`), but `y` alone and diphthongs like `uy`, `ay` stay.
    static func unifyFinalY(_ bytes: UnsafeMutableBufferPointer<UInt8>) {
        let count = bytes.count
        guard count >= 2, count <= 4, bytes[count - 1] == 0x79 else { return }
        let isCluster: Bool
        switch count - 1 {
        case 1:
            switch bytes[0] {
            case 0x62, 0x63, 0x64, 0x67, 0x68, 0x6B, 0x6C, 0x6D, 0x6E, 0x70, 0x72, 0x73, 0x74, 0x76, 0x78:
                isCluster = true
            default:
                isCluster = false
            }
        case 2:
            switch UInt16(bytes[0]) << 8 | UInt16(bytes[1]) {
            case 0x6368, 0x6768, 0x6B68, 0x6E67, 0x6E68, 0x7068, 0x7175, 0x7468, 0x7472:  // ch gh kh ng nh ph qu th tr
                isCluster = true
            default:
                isCluster = false
            }
        default:
            isCluster = bytes[0] == 0x6E && bytes[1] == 0x67 && bytes[2] == 0x68  // ngh
        }
        if isCluster { bytes[count - 1] = 0x69 }
    }
}
