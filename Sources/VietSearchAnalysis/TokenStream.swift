/// Cuts cleaned text into tokens (VIETNAMESE.md §6) and keys them.
///
/// A chunk is a run of word scalars (letters, digits, marks) where single connectors `. , / : -` may
/// join segments. Within a chunk:
/// - digit segments joined by any connector form one number token (`13/09/2022`, `2.500.000`, `3,5`);
///   digits glued to a word after it stay with it (`2.500.000đồng` → `2.500.000`, `đồng`);
/// - all-caps letter segments joined by `-` or `.` are an abbreviation: each part is a token, and the
///   joined form (`QS-QP` → `qsqp`) is stacked on the last part's position;
/// - every other segment is its own token, so other hyphenated or dotted words split (`a-lô`, `Covid-19`,
///   e-mail addresses and URLs at their punctuation); a segment mixing ASCII letters and digits is a code
///   and stays whole (`U23`, `H5N1`), while digits glued to a non-ASCII word split off (`23điểm`).
/// Connectors at the ends of a chunk (`2022.` → `2022`), doubled connectors and all other punctuation
/// only separate; so do apostrophes (`l'État` → `l`, `état`) and combining marks with no letter or digit
/// before them.
struct TokenStream {
    private let tables: AnalysisTables
    /// The cleaned window being cut (see `run(_:)`).
    private var text = UnsafeBufferPointer<CleanScalar>(start: nil, count: 0)
    private let original: UnsafeBufferPointer<UInt8>
    private var keys: KeyBuilder
    /// Nil for short inputs (a query word): its three tables cost more to set up than the few tokens
    /// could reuse, and keys built afresh are the same strings (see `TokenKeyCache`).
    private var cache: TokenKeyCache?
    private var segments: [Segment] = []
    /// `segments` after cutting digits from words they are glued to.
    private var pieces: [Segment] = []
    private(set) var tokens: [Token] = []
    /// Next free position; after the last `run(_:)`, the number of positions.
    private(set) var position = 0

    /// A run of word scalars `from..<to` in the cleaned text, and the connector that precedes it in its
    /// chunk (0 for the first segment).
    private struct Segment {
        var from: Int
        var to: Int
        var joiner: UInt32
    }

    /// `original` is the whole input; cleaned windows of it are passed to `run(_:)` in order. Scratch
    /// memory is sized for `expectedBytes` of it (all of it by default).
    init(original: UnsafeBufferPointer<UInt8>, tables: AnalysisTables, expectedBytes: Int? = nil) {
        self.tables = tables
        self.original = original
        self.keys = KeyBuilder(tables: tables)
        let expected = expectedBytes ?? original.count
        self.cache = expected < TokenKeyCache.minimumByteCount ? nil : TokenKeyCache(byteCount: expected)
        tokens.reserveCapacity(expected / 5 + 8)  // Vietnamese: ~6 bytes per token and space
    }

    /// Cuts one cleaned window into tokens. Windows must end at a space, so no token spans two of them.
    mutating func run(_ window: UnsafeBufferPointer<CleanScalar>) {
        text = window
        var index = 0
        let count = text.count
        while index < count {
            guard text[index].kind.startsWord else {
                index += 1
                continue
            }
            let from = index
            var sawDigit = false
            var sawNonASCIILetter = false
            while index < count {
                let scalar = text[index]
                guard scalar.kind.isWordPart else { break }
                sawDigit = sawDigit || scalar.kind == .digit
                sawNonASCIILetter = sawNonASCIILetter || (scalar.value >= 0x80 && scalar.kind == .letter)
                index += 1
            }
            guard index + 1 < count, text[index].kind == .connector, text[index + 1].kind.startsWord else {
                // The common case: a plain word (checked for glued digits on the way).
                let word = Segment(from: from, to: index, joiner: 0)
                if sawDigit && sawNonASCIILetter { emitWord(word) } else { emit(from: from, to: index) }
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

    /// Groups the chunk's segments into tokens. Segments that glue digits to a word (`23điểm`) are cut
    /// first; their pieces are joined to nothing (`joiner` 0), so `2.500.000đồng` gives the number
    /// `2.500.000` and `đồng`, and `điểm23.5` gives `điểm` and `23.5`.
    private mutating func emitChunk() {
        pieces.removeAll(keepingCapacity: true)
        for segment in segments {
            var from = segment.from
            var joiner = segment.joiner
            if gluesDigitsToWord(segment) {
                while let boundary = nextDigitBoundary(in: segment, after: from) {
                    pieces.append(Segment(from: from, to: boundary, joiner: joiner))
                    from = boundary
                    joiner = 0
                }
            }
            pieces.append(Segment(from: from, to: segment.to, joiner: joiner))
        }

        var first = 0
        while first < pieces.count {
            let piece = pieces[first]
            var last = first
            if isAllDigits(piece) {
                while last + 1 < pieces.count && pieces[last + 1].joiner != 0 && isAllDigits(pieces[last + 1]) {
                    last += 1
                }
                emit(from: piece.from, to: pieces[last].to)
            } else if isCapitalLetters(piece) {
                while last + 1 < pieces.count && isAbbreviationJoiner(pieces[last + 1].joiner)
                        && isCapitalLetters(pieces[last + 1]) { last += 1 }
                for part in first...last { emit(from: pieces[part].from, to: pieces[part].to) }
                if last > first { emitJoinedForm(pieces[first...last]) }
            } else {
                emit(from: piece.from, to: piece.to)
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
        var from = segment.from
        while let boundary = nextDigitBoundary(in: segment, after: from) {
            emit(from: from, to: boundary)
            from = boundary
        }
        emit(from: from, to: segment.to)
    }

    /// The first index after `start` where digits meet letters in `segment`, if any; a combining mark
    /// stays with whatever precedes it.
    private func nextDigitBoundary(in segment: Segment, after start: Int) -> Int? {
        var inDigits = text[start].kind == .digit
        for index in start + 1..<segment.to where text[index].kind != .mark {
            let isDigit = text[index].kind == .digit
            if isDigit != inDigits { return index }
            inDigits = isDigit
        }
        return nil
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
        if let hash, let earlier = cache?.lookup(hash: hash, start: start, end: end, in: original, tokens: tokens) {
            let same = tokens[earlier]
            tokens.append(Token(text: same.text, position: position, exact: same.exact, folded: same.folded,
                                start: start, end: end, isJoinedForm: false,
                                hasNonASCIILetter: same.hasNonASCIILetter))
            return
        }
        let keys = self.keys.keys(text, from: from, to: to, skipConnectors: joined, original: tokenBytes)
        if let hash { cache?.insert(hash: hash, tokenIndex: tokens.count) }
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
