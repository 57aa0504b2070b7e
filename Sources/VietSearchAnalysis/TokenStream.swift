/// Cuts cleaned text into tokens (VIETNAMESE.md §6) and keys them.
///
/// A chunk is a run of word scalars (letters, digits, marks) where single connectors `. , / : -` may
/// join segments. Within a chunk:
/// - digit segments joined by any connector form one number token (`13/09/2022`, `2.500.000`, `3,5`);
/// - all-caps letter segments joined by `-` or `.` are an abbreviation: each part is a token, and the
///   joined form (`QS-QP` → `qsqp`) is stacked on the last part's position;
/// - every other segment is its own token, so other hyphenated or dotted words split (`a-lô`, `Covid-19`,
///   e-mail addresses and URLs at their punctuation).
/// Connectors at the ends of a chunk, doubled connectors and all other punctuation only separate; so do
/// combining marks with no letter or digit before them
/// (`2022.` → `2022`). Apostrophes separate too (`l'État` → `l`, `état`).
struct TokenStream {
    private let tables: AnalysisTables
    private let text: UnsafeBufferPointer<CleanScalar>
    private let original: UnsafeBufferPointer<UInt8>
    private var keys: KeyBuilder
    private var cache: TokenKeyCache
    private var segments: [Segment] = []
    private(set) var tokens: [Token] = []
    /// Next free position; after `run()`, the number of positions.
    private(set) var position = 0

    /// A run of word scalars `from..<to` in the cleaned text, and the connector that precedes it in its
    /// chunk (0 for the first segment).
    private struct Segment {
        var from: Int
        var to: Int
        var joiner: UInt32
    }

    init(text: UnsafeBufferPointer<CleanScalar>, original: UnsafeBufferPointer<UInt8>, tables: AnalysisTables) {
        self.tables = tables
        self.text = text
        self.original = original
        self.keys = KeyBuilder(tables: tables)
        self.cache = TokenKeyCache(byteCount: original.count)
        tokens.reserveCapacity(text.count / 5)
    }

    mutating func run() {
        var index = 0
        let count = text.count
        while index < count {
            guard text[index].kind.startsWord else {
                index += 1
                continue
            }
            let from = index
            while index < count && text[index].kind.isWordPart { index += 1 }
            guard index + 1 < count, text[index].kind == .connector, text[index + 1].kind.startsWord else {
                emitWord(Segment(from: from, to: index, joiner: 0))  // the common case: a plain word
                continue
            }
            segments.removeAll(keepingCapacity: true)
            segments.append(Segment(from: from, to: index, joiner: 0))
            while index + 1 < count, text[index].kind == .connector, text[index + 1].kind.startsWord {
                let joiner = text[index].value
                index += 1
                let segmentStart = index
                while index < count && text[index].kind.isWordPart { index += 1 }
                segments.append(Segment(from: segmentStart, to: index, joiner: joiner))
            }
            emitChunk()
        }
    }

    private mutating func emitChunk() {
        var first = 0
        while first < segments.count {
            let segment = segments[first]
            var last = first
            if isAllDigits(segment) {
                while last + 1 < segments.count && isAllDigits(segments[last + 1]) { last += 1 }
                // `2.500.000đồng`: the number ends with digits glued to a word; they belong to the number.
                if last + 1 < segments.count, gluesDigitsToWord(segments[last + 1]) {
                    last += 1
                    var numberEnd = segments[last].from
                    while text[numberEnd].kind == .digit { numberEnd += 1 }
                    if numberEnd > segments[last].from {
                        emit(from: segment.from, to: numberEnd)
                        emitWord(Segment(from: numberEnd, to: segments[last].to, joiner: 0))
                    } else {
                        emit(from: segment.from, to: segments[last - 1].to)
                        emitWord(segments[last])
                    }
                } else {
                    emit(from: segment.from, to: segments[last].to)
                }
            } else if isCapitalLetters(segment) {
                while last + 1 < segments.count && isAbbreviationJoiner(segments[last + 1].joiner)
                        && isCapitalLetters(segments[last + 1]) { last += 1 }
                for part in first...last { emit(from: segments[part].from, to: segments[part].to) }
                if last > first { emitJoinedForm(segments[first...last]) }
            } else {
                emitWord(segment)
            }
            first = last + 1
        }
    }

    /// A segment mixing letters and digits is a code and stays whole (`U23`, `H5N1`, `4G`), unless its
    /// letters include a non-ASCII one: then digits are glued to a Vietnamese word (`23điểm`) and split.
    private mutating func emitWord(_ segment: Segment) {
        guard gluesDigitsToWord(segment) else {
            emit(from: segment.from, to: segment.to)
            return
        }
        // Split where digits meet letters; a combining mark stays with whatever precedes it.
        var from = segment.from
        var inDigits = text[from].kind == .digit
        for index in segment.from + 1..<segment.to where text[index].kind != .mark {
            let isDigit = text[index].kind == .digit
            if isDigit != inDigits {
                emit(from: from, to: index)
                from = index
                inDigits = isDigit
            }
        }
        emit(from: from, to: segment.to)
    }

    /// True when the segment has digits and a non-ASCII letter: a typo gluing a number to a word.
    private func gluesDigitsToWord(_ segment: Segment) -> Bool {
        var hasDigit = false
        var hasNonASCIILetter = false
        for index in segment.from..<segment.to {
            switch text[index].kind {
            case .digit: hasDigit = true
            case .letter where text[index].value >= 0x80: hasNonASCIILetter = true
            default: break
            }
        }
        return hasDigit && hasNonASCIILetter
    }

    private mutating func emit(from: Int, to: Int) {
        append(from: from, to: to, position: position, joined: false)
        position += 1
    }

    /// The joined form spans the whole abbreviation in the input and sits on its last part's position.
    private mutating func emitJoinedForm(_ parts: ArraySlice<Segment>) {
        guard let firstPart = parts.first, let lastPart = parts.last else { return }
        append(from: firstPart.from, to: lastPart.to, position: position - 1, joined: true)
    }

    private mutating func append(from: Int, to: Int, position: Int, joined: Bool) {
        let start = text[from].start
        let end = text[to - 1].end
        let tokenBytes = UnsafeBufferPointer(rebasing: original[start..<end])
        let hash = joined ? nil : TokenKeyCache.hash(tokenBytes)
        let keys: KeyBuilder.Keys
        if let hash, let cached = cache.lookup(hash: hash, start: start, end: end, in: original) {
            keys = cached
        } else {
            keys = self.keys.keys(text, from: from, to: to, skipConnectors: joined, original: tokenBytes)
            if let hash { cache.insert(hash: hash, start: start, end: end, keys: keys) }
        }
        tokens.append(Token(text: keys.text, position: position, exact: keys.exact, folded: keys.folded,
                            start: start, end: end, isJoinedForm: joined,
                            hasNonASCIILetter: keys.hasNonASCIILetter))
    }

    private func isAllDigits(_ segment: Segment) -> Bool {
        for index in segment.from..<segment.to where text[index].kind != .digit { return false }
        return true
    }

    /// Letters (and marks) only, each letter a capital: a part of an abbreviation like `TP` or `HĐND`.
    /// Abbreviations are initials, so a part with a toned vowel is a word in an all-caps heading
    /// (`HÀ NỘI-VIỆT NAM`), not an abbreviation part: it splits like any hyphenated word.
    private func isCapitalLetters(_ segment: Segment) -> Bool {
        var sawLetter = false
        for index in segment.from..<segment.to {
            switch text[index].kind {
            case .letter:
                let scalar = text[index].value
                let lower = tables.lowercased(scalar)
                if lower == scalar { return false }
                if let vowel = tables.vowel(lower), vowel.tone != 0 { return false }
                sawLetter = true
            case .mark: continue
            default: return false
            }
        }
        return sawLetter
    }

    private func isAbbreviationJoiner(_ scalar: UInt32) -> Bool {
        scalar == 0x2D || scalar == 0x2E || scalar == 0x2010 || scalar == 0x2011
    }
}
