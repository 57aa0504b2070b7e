import CBitUnpack

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
    enum Keying: UInt8 {
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

    /// Spans found by the last `split`, in order (`spanStorage[0..<spanCount]`).
    var spans: UnsafeBufferPointer<Span> { UnsafeBufferPointer(start: spanStorage, count: spanCount) }
    private var spanStorage: UnsafeMutablePointer<Span>
    private var spanCapacity: Int
    private var spanCount = 0
    /// `sharedClasses`, held here so that the hot loops do not go through its lazy initialisation.
    private let classes: UnsafeMutablePointer<UInt8>
    /// Whether `split` lets the AVX2 kernel (`vs_split_words`) take simple text: `Span` has the layout of
    /// its `vs_word_span` (the kernel also checks that the kernels are on). `spanLayoutMatchesKernel`, held
    /// here for the same reason as `classes`.
    private let kernelUsable: Bool
    /// Bytes looked at per `split` call before it returns at the next safe point (keeps spans in cache).
    private static let stretchBytes = 4_096

    /// Class bits of the scalars below `AnalysisTables.flatLimit` (an ASCII byte is its own scalar).
    private enum Class {
        static let letter: UInt8 = 1
        static let digit: UInt8 = 2
        static let connector: UInt8 = 4
        static let nonASCIILetter: UInt8 = 8
        static let safePoint: UInt8 = 16
        /// Only in the byte table: a UTF-8 lead or continuation byte (the scalar must be decoded).
        static let multiByte: UInt8 = 64
        static let needsCleaning: UInt8 = 128
        /// Only in the block table: the 64 scalars of the block do not all have the same bits.
        static let mixedBlock: UInt8 = 0xFF
        static let word = letter | digit
    }

    /// Where the block table starts in `classes`: per three-byte sequence's first two bytes (`(lead & 0x0F)
    /// << 6 | second & 0x3F`, a block of 64 scalars), the block's bits when they are the same for all 64
    /// (every Vietnamese letter of U+1EA0–U+1EF9), else `mixedBlock`: most three-byte scalars are
    /// classified without being decoded. Blocks at or above `AnalysisTables.flatLimit` are all `mixedBlock`.
    private static let blockTableOffset = AnalysisTables.flatLimit
    /// Where the byte table starts in `classes`: an ASCII byte's bits, `multiByte` for every other byte,
    /// so that a word's scan takes an ASCII byte with one lookup and one test.
    private static let byteTableOffset = AnalysisTables.flatLimit + 1_024

    /// `Class` bits by scalar (below `flatLimit`), then the block and byte tables; built once, never
    /// freed (like `AnalysisTables.shared`).
    nonisolated(unsafe) private static let sharedClasses: UnsafeMutablePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: byteTableOffset + 256)
        let tables = AnalysisTables.shared
        for value in 0..<AnalysisTables.flatLimit {
            var bits: UInt8
            switch tables.kinds[value] {
            case .letter: bits = value < 0x80 ? Class.letter : Class.letter | Class.nonASCIILetter
            case .digit: bits = Class.digit
            case .connector: bits = Class.connector
            case .mark, .invisible: bits = Class.needsCleaning
            case .space, .separator: bits = value < 0x80 ? Class.safePoint : 0
            }
            if value == 0xD0 || value == 0xF0 { bits = Class.needsCleaning }  // ETH: repaired by cleaning
            table[value] = bits
        }
        for block in 0..<1_024 {
            let first = block << 6
            var bits = Class.mixedBlock
            if first + 64 <= AnalysisTables.flatLimit {
                bits = table[first]
                for value in first..<first + 64 where table[value] != bits { bits = Class.mixedBlock }
            }
            table[blockTableOffset + block] = bits
        }
        for byte in 0..<256 { table[byteTableOffset + byte] = byte < 0x80 ? table[byte] : Class.multiByte }
        return table
    }()

    /// The kernel's four ASCII sets (word bytes, digits, safe points, connectors), as rows of `vs_split_words`.
    nonisolated(unsafe) private static let kernelASCIISets: UnsafeMutablePointer<UInt8> = {
        let sets = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        sets.initialize(repeating: 0, count: 64)
        for byte in 0..<0x80 {
            let bits = sharedClasses[byte]
            let members = [bits & Class.word != 0, bits == Class.digit,
                           bits == Class.safePoint, bits == Class.connector]
            for (set, isMember) in members.enumerated() where isMember {
                sets[set * 16 + (byte & 0x0F)] |= UInt8(1) << (byte >> 4)
            }
        }
        return sets
    }()

    /// Whether `Span` and `Keying` are laid out as the kernel writes them (internal for a test).
    static let spanLayoutMatchesKernel: Bool = {
        let tags = [Keying.asciiCode, .asciiWord, .word].map { keying in withUnsafeBytes(of: keying) { $0[0] } }
        return MemoryLayout<Span>.stride == MemoryLayout<vs_word_span>.stride
            && MemoryLayout<Span>.offset(of: \.start) == MemoryLayout<vs_word_span>.offset(of: \.start)
            && MemoryLayout<Span>.offset(of: \.end) == MemoryLayout<vs_word_span>.offset(of: \.end)
            && MemoryLayout<Span>.offset(of: \.keying) == MemoryLayout<vs_word_span>.offset(of: \.keying)
            && MemoryLayout<Keying>.size == 1
            && tags == [UInt8(VS_KEYING_ASCII_CODE), UInt8(VS_KEYING_ASCII_WORD), UInt8(VS_KEYING_WORD)]
    }()

    init() {
        classes = Self.sharedClasses
        kernelUsable = Self.spanLayoutMatchesKernel
        spanCapacity = Self.stretchBytes / 2
        spanStorage = .allocate(capacity: spanCapacity)
    }

    /// Frees the span buffer; the splitter must not be used afterwards (its owner calls this in `deinit`).
    func deallocate() {
        spanStorage.deallocate()
    }

    @inline(__always) private mutating func append(_ span: Span) {
        if spanCount == spanCapacity { growSpans(to: 2 * spanCapacity) }
        (spanStorage + spanCount).initialize(to: span)
        spanCount += 1
    }

    private mutating func growSpans(to capacity: Int) {
        let larger = UnsafeMutablePointer<Span>.allocate(capacity: capacity)
        larger.moveInitialize(from: spanStorage, count: spanCount)
        spanStorage.deallocate()
        spanStorage = larger
        spanCapacity = capacity
    }

    /// Lets the kernel take the simple text from `index`, just past a safe point; returns the safe point
    /// where it stopped, or nil when it took nothing.
    @inline(__always)
    private mutating func splitSimpleWords(_ bytes: UnsafePointer<UInt8>, from index: Int, limit: Int,
                                           stopAfter: Int) -> Int? {
        // The kernel needs its 64-byte window and the two bytes a lead byte at its end may have after it.
        guard kernelUsable, limit - index >= 66 else { return nil }
        let room = spanCount + (min(limit, stopAfter + 64) - index) / 2 + 1
        if room > spanCapacity { growSpans(to: room) }
        var count = spanCount
        let reached = UnsafeMutableRawPointer(spanStorage).withMemoryRebound(to: vs_word_span.self,
                                                                            capacity: spanCapacity) { spans in
            vs_split_words(bytes, index, limit, stopAfter, Self.kernelASCIISets, classes, Self.blockTableOffset,
                           Class.letter | Class.nonASCIILetter, spans, &count)
        }
        spanCount = count
        return reached == index ? nil : reached
    }

    /// True if `byte` is a safe point: ASCII, and a space, control or punctuation other than a connector.
    @inline(__always) func isSafePoint(_ byte: UInt8) -> Bool {
        byte < 0x80 && classes[Int(byte)] == Class.safePoint
    }

    /// Class bits and byte length of the scalar at `index`.
    @inline(__always)
    private func scalar(_ bytes: UnsafePointer<UInt8>, at index: Int) -> (bits: UInt8, length: Int) {
        Self.scalar(bytes, at: index, classes: classes)
    }

    /// How `split` keys `word` when the whole of it is one span (letters and digits only, nothing to clean,
    /// not digits glued to a non-ASCII letter); nil otherwise. With only word scalars, `split`'s word scan
    /// runs to the end and nothing joins: the one span it appends is the whole input, keyed so.
    static func wholeWordKeying(_ word: UnsafeBufferPointer<UInt8>) -> Keying? {
        guard let bytes = word.baseAddress, !word.isEmpty else { return nil }
        let classes = sharedClasses
        var seen: UInt8 = 0
        var index = 0
        while index < word.count {
            let next = scalar(bytes, at: index, classes: classes)
            // `needsCleaning` and `mixedBlock` have no word bit set alone; both fail this test as they must.
            guard next.bits & Class.word != 0, next.bits != Class.needsCleaning else { return nil }
            seen |= next.bits
            index += next.length
        }
        let sawDigit = seen & Class.digit != 0
        let sawNonASCIILetter = seen & Class.nonASCIILetter != 0
        if sawDigit && sawNonASCIILetter { return nil }
        return sawDigit ? .asciiCode : sawNonASCIILetter ? .word : .asciiWord
    }

    /// `scalar(_:at:)` with the class table passed in (for `wholeWordKeying`, which has no splitter).
    @inline(__always)
    private static func scalar(_ bytes: UnsafePointer<UInt8>, at index: Int,
                               classes: UnsafeMutablePointer<UInt8>) -> (bits: UInt8, length: Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (classes[Int(lead)], 1) }
        if lead < 0xE0 {
            // Two bytes: below U+0800, so inside the flat table.
            return (classes[(Int(lead) & 0x1F) << 6 | Int(bytes[index + 1]) & 0x3F], 2)
        }
        var value: UInt32
        let length: Int
        if lead < 0xF0 {
            let block = (Int(lead) & 0x0F) << 6 | Int(bytes[index + 1]) & 0x3F
            let blockBits = classes[Self.blockTableOffset + block]
            if blockBits != Class.mixedBlock { return (blockBits, 3) }
            value = UInt32(block) << 6 | UInt32(bytes[index + 2]) & 0x3F
            length = 3
        } else {
            (value, length) = UTF8Encoding.decode(UnsafeBufferPointer(start: bytes, count: index + 4), at: index)
        }
        if value < AnalysisTables.flatLimit { return (classes[Int(value)], length) }
        switch ScalarKind.classify(value) {
        case .mark, .invisible: return (Class.needsCleaning, length)
        case .letter: return (Class.letter | Class.nonASCIILetter, length)
        case .connector: return (Class.connector, length)
        default: return (0, length)
        }
    }

    /// Cuts `bytes[start..<limit]` into spans; `start` must be a safe point or the start of a window.
    /// Returns at a safe point after about `stretchBytes`, at `limit`, or at the last safe point before
    /// text that needs the general path.
    mutating func split(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> Outcome {
        spanCount = 0
        guard start < limit, let bytes = buffer.baseAddress else { return Outcome(end: limit, needsGeneralPath: false) }
        var safePoint = start
        var spansAtSafePoint = 0
        var index = start
        let stopAfter = start + Self.stretchBytes
        // Where the kernel last stopped: the text after it is not simple, so it is not asked again there.
        var kernelStop = -1
        while index < limit {
            let first = scalar(bytes, at: index)
            guard first.bits & Class.word != 0 else {
                if first.bits == Class.safePoint {
                    if index - start >= Self.stretchBytes { return Outcome(end: index, needsGeneralPath: false) }
                    safePoint = index
                    spansAtSafePoint = spanCount
                    if index != kernelStop,
                       let reached = splitSimpleWords(bytes, from: index + 1, limit: limit, stopAfter: stopAfter) {
                        index = reached
                        kernelStop = reached
                        continue
                    }
                } else if first.bits == Class.needsCleaning {
                    return fail(at: safePoint, keeping: spansAtSafePoint)
                }
                index += first.length
                continue
            }
            // The word's first scalar is already classified: the scan goes on after it.
            let wordStart = index
            var seen = first.bits
            index += first.length
            while index < limit {
                let bits = classes[Self.byteTableOffset + Int(bytes[index])]
                if bits & Class.word != 0 {
                    seen |= bits
                    index += 1
                    continue
                }
                guard bits == Class.multiByte else { break }
                let next = scalar(bytes, at: index)
                if next.bits == Class.needsCleaning { return fail(at: safePoint, keeping: spansAtSafePoint) }
                guard next.bits & Class.word != 0 else { break }
                seen |= next.bits
                index += next.length
            }
            // Most words end at a space: no connector, nothing to clean.
            let followingBits: UInt8 = index < limit && bytes[index] < 0x80 ? classes[Int(bytes[index])] : 0
            let joins = followingBits != 0 && followingBits != Class.connector
                ? false : joinsNextSegment(bytes, at: index, limit: limit)
            switch joins {
            case nil:
                return fail(at: safePoint, keeping: spansAtSafePoint)
            case true?:
                // A chunk of segments: only digit groups stay here (`2.500.000`, `13/09/2022`).
                guard seen & Class.letter == 0, let end = digitGroupsEnd(bytes, from: index, limit: limit) else {
                    return fail(at: safePoint, keeping: spansAtSafePoint)
                }
                index = end
                append(Span(start: wordStart, end: index, keying: .asciiCode))
            case false?:
                let sawDigit = seen & Class.digit != 0
                let sawNonASCIILetter = seen & Class.nonASCIILetter != 0
                if sawDigit && sawNonASCIILetter {
                    splitDigitsFromLetters(bytes, from: wordStart, to: index)
                } else {
                    let keying: Keying = sawDigit ? .asciiCode : sawNonASCIILetter ? .word : .asciiWord
                    append(Span(start: wordStart, end: index, keying: keying))
                }
                // The ASCII space or punctuation after the word, as the loop's start would take it
                // (without classifying it again).
                if followingBits == Class.safePoint {
                    if index - start >= Self.stretchBytes { return Outcome(end: index, needsGeneralPath: false) }
                    safePoint = index
                    spansAtSafePoint = spanCount
                    if let reached = splitSimpleWords(bytes, from: index + 1, limit: limit, stopAfter: stopAfter) {
                        index = reached
                        kernelStop = reached
                        continue
                    }
                    index += 1
                }
            }
        }
        return Outcome(end: limit, needsGeneralPath: false)
    }

    private mutating func fail(at safePoint: Int, keeping count: Int) -> Outcome {
        spanCount = count
        return Outcome(end: safePoint, needsGeneralPath: true)
    }

    /// Whether the scalar at `index` is a connector followed by a letter or digit (`TokenStream` then
    /// joins the segments into a chunk); nil when one of them needs cleaning.
    @inline(__always)
    private func joinsNextSegment(_ bytes: UnsafePointer<UInt8>, at index: Int, limit: Int) -> Bool? {
        guard index < limit else { return false }
        let connector = scalar(bytes, at: index)
        if connector.bits == Class.needsCleaning { return nil }
        guard connector.bits == Class.connector, index + connector.length < limit else { return false }
        let next = scalar(bytes, at: index + connector.length)
        if next.bits == Class.needsCleaning { return nil }
        return next.bits & Class.word != 0
    }

    /// End of a chunk of ASCII digit groups joined by ASCII connectors whose second group starts at
    /// `index + 1`; nil if a group has a letter or a joiner is not ASCII (the general path decides).
    private func digitGroupsEnd(_ bytes: UnsafePointer<UInt8>, from start: Int, limit: Int) -> Int? {
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
                let next = scalar(bytes, at: index)
                if next.bits & Class.letter != 0 || next.bits == Class.needsCleaning { return nil }
                guard next.bits == Class.digit else { break }
                index += 1
            }
        }
    }

    /// A word gluing digits to a non-ASCII letter (`23điểm`): one span per run of digits or letters.
    private mutating func splitDigitsFromLetters(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        var pieceStart = start
        var index = start
        var inDigits = Self.isDigit(bytes[start])
        var nonASCII = false
        while index < end {
            let byte = bytes[index]
            if Self.isDigit(byte) != inDigits {
                append(Span(start: pieceStart, end: index,
                                  keying: inDigits ? .asciiCode : nonASCII ? .word : .asciiWord))
                pieceStart = index
                inDigits.toggle()
                nonASCII = false
            }
            nonASCII = nonASCII || byte >= 0x80
            index += 1
        }
        append(Span(start: pieceStart, end: end, keying: inDigits ? .asciiCode : nonASCII ? .word : .asciiWord))
    }

    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
}
