/// The fast path's tokeniser: cuts input bytes that need no cleaning straight into token spans, the
/// spans `TextCleaner` + `TokenStream` would give, without building cleaned scalars.
///
/// Text needs no cleaning when it has no combining mark, no invisible character and no ETH (Ð/ð): then
/// cleaning only maps non-ASCII spaces to U+0020, which tokenises the same. Typical Vietnamese text (NFC,
/// precomposed) is like that. The splitter also leaves to the general path every chunk whose segments
/// are joined by a connector, except digit groups (`2.500.000`, `13/09/2022`): abbreviations, hyphenated
/// words, e-mail addresses and URLs are rare and have subtle rules.
///
/// It works between safe points: ASCII spaces, controls and punctuation other than connectors, which
/// nothing in cleaning or tokenising crosses (the places `VietnameseAnalyzer` cuts its windows). When it
/// meets something it does not handle, it drops the spans found since the last safe point and says where
/// that point is, so the caller can hand the text from there to the general path.
struct FastRunSplitter {
    /// How a span's keys are made.
    enum Keying {
        /// ASCII digits, maybe with ASCII letters or connectors (numbers, codes): lowercase, folded = exact.
        case asciiCode
        /// ASCII letters only: lowercase; the folded key unifies a final `y` (VIETNAMESE.md §4).
        case asciiWord
        /// Letters, at least one of them non-ASCII: the general key builder (through the cache).
        case word
    }

    /// One token: input bytes `start..<end`.
    struct Span {
        var start: Int
        var end: Int
        var keying: Keying
    }

    /// What `split` did: spans found up to `end` (a safe point), and whether it stopped there because
    /// the text after it needs the general path.
    struct Outcome {
        var end: Int
        var needsGeneralPath: Bool
    }

    /// Spans found by the last `split`, in order.
    private(set) var spans: [Span] = []
    /// `ScalarKind` raw values of the scalars below `AnalysisTables.flatLimit`, or `needsCleaning`.
    private let kinds: [UInt8]
    private let tables: AnalysisTables
    private static let needsCleaning: UInt8 = 0xFF
    /// Bytes looked at per `split` call before it returns at the next safe point (keeps spans in cache).
    private static let stretchBytes = 4_096

    init(tables: AnalysisTables) {
        self.tables = tables
        var kinds = [UInt8](repeating: 0, count: AnalysisTables.flatLimit)
        for value in 0..<AnalysisTables.flatLimit {
            let kind = tables.kinds[value]
            let cleaned = kind == .mark || kind == .invisible || value == 0xD0 || value == 0xF0
            kinds[value] = cleaned ? Self.needsCleaning : kind.rawValue
        }
        self.kinds = kinds
        spans.reserveCapacity(Self.stretchBytes / 2)
    }

    /// True if `byte` is a safe point: ASCII, and a space, control or punctuation other than a connector.
    @inline(__always) func isSafePoint(_ byte: UInt8) -> Bool {
        byte < 0x80 && kinds[Int(byte)] <= ScalarKind.space.rawValue
    }

    /// Kind and byte length of the scalar at `index`; nil when it needs cleaning.
    @inline(__always)
    private func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (kind: ScalarKind, length: Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (ScalarKind(rawValue: kinds[Int(lead)]) ?? .separator, 1) }
        let (value, length) = UTF8Encoding.decode(bytes, at: index)
        if value < AnalysisTables.flatLimit {
            guard let kind = ScalarKind(rawValue: kinds[Int(value)]) else { return nil }
            return (kind, length)
        }
        let kind = ScalarKind.classify(value)
        return kind == .mark || kind == .invisible ? nil : (kind, length)
    }

    /// Cuts `bytes[start..<limit]` into spans; `start` must be a safe point or the start of a window.
    /// Returns at a safe point after about `stretchBytes`, at `limit`, or at the last safe point before
    /// text that needs the general path.
    mutating func split(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> Outcome {
        spans.removeAll(keepingCapacity: true)
        var safePoint = start
        var spansAtSafePoint = 0
        var index = start
        while index < limit {
            guard let first = scalar(bytes, at: index) else {
                return fail(at: safePoint, keeping: spansAtSafePoint)
            }
            guard first.kind == .letter || first.kind == .digit else {
                if first.length == 1 && first.kind.rawValue <= ScalarKind.space.rawValue {
                    if index - start >= Self.stretchBytes { return Outcome(end: index, needsGeneralPath: false) }
                    safePoint = index
                    spansAtSafePoint = spans.count
                }
                index += first.length
                continue
            }
            let wordStart = index
            var sawDigit = false
            var sawLetter = false
            var sawNonASCIILetter = false
            while index < limit {
                guard let next = scalar(bytes, at: index) else { return fail(at: safePoint, keeping: spansAtSafePoint) }
                if next.kind == .digit {
                    sawDigit = true
                } else if next.kind == .letter {
                    sawLetter = true
                    sawNonASCIILetter = sawNonASCIILetter || next.length > 1
                } else {
                    break
                }
                index += next.length
            }
            switch joinsNextSegment(bytes, at: index, limit: limit) {
            case nil:
                return fail(at: safePoint, keeping: spansAtSafePoint)
            case true?:
                // A chunk of segments: only digit groups stay here (`2.500.000`, `13/09/2022`).
                guard !sawLetter, let end = digitGroupsEnd(bytes, from: index, limit: limit) else {
                    return fail(at: safePoint, keeping: spansAtSafePoint)
                }
                index = end
                spans.append(Span(start: wordStart, end: index, keying: .asciiCode))
            case false?:
                if sawDigit && sawNonASCIILetter {
                    splitDigitsFromLetters(bytes, from: wordStart, to: index)
                } else {
                    let keying: Keying = sawDigit ? .asciiCode : sawNonASCIILetter ? .word : .asciiWord
                    spans.append(Span(start: wordStart, end: index, keying: keying))
                }
            }
        }
        return Outcome(end: limit, needsGeneralPath: false)
    }

    private mutating func fail(at safePoint: Int, keeping count: Int) -> Outcome {
        spans.removeSubrange(count...)
        return Outcome(end: safePoint, needsGeneralPath: true)
    }

    /// Whether the scalar at `index` is a connector followed by a letter or digit (`TokenStream` then
    /// joins the segments into a chunk); nil when one of them needs cleaning.
    @inline(__always)
    private func joinsNextSegment(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, limit: Int) -> Bool? {
        guard index < limit else { return false }
        guard let connector = scalar(bytes, at: index) else { return nil }
        guard connector.kind == .connector, index + connector.length < limit else { return false }
        guard let next = scalar(bytes, at: index + connector.length) else { return nil }
        return next.kind == .letter || next.kind == .digit
    }

    /// End of a chunk of ASCII digit groups joined by ASCII connectors whose second group starts at
    /// `index + 1`; nil if a group has a letter or a joiner is not ASCII (the general path decides).
    private func digitGroupsEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> Int? {
        var index = start
        while true {
            switch joinsNextSegment(bytes, at: index, limit: limit) {
            case nil: return nil
            case false?: return index
            case true?: break
            }
            guard bytes[index] < 0x80 else { return nil }
            index += 1
            while index < limit {
                guard let next = scalar(bytes, at: index) else { return nil }
                if next.kind == .letter { return nil }
                guard next.kind == .digit else { break }
                index += 1
            }
        }
    }

    /// A word gluing digits to a non-ASCII letter (`23điểm`): one span per run of digits or letters.
    private mutating func splitDigitsFromLetters(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        var pieceStart = start
        var index = start
        var inDigits = Self.isDigit(bytes[start])
        var nonASCII = false
        while index < end {
            let byte = bytes[index]
            if Self.isDigit(byte) != inDigits {
                spans.append(Span(start: pieceStart, end: index,
                                  keying: inDigits ? .asciiCode : nonASCII ? .word : .asciiWord))
                pieceStart = index
                inDigits.toggle()
                nonASCII = false
            }
            nonASCII = nonASCII || byte >= 0x80
            index += 1
        }
        spans.append(Span(start: pieceStart, end: end, keying: inDigits ? .asciiCode : nonASCII ? .word : .asciiWord))
    }

    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
}
