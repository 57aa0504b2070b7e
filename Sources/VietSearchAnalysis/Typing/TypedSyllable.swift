/// A syllable being rebuilt from typing-method keystrokes (Telex or VNI): letters with shape marks
/// applied in place, and one tone kept aside until the end, as input methods do.
struct TypedSyllable {
    /// Lowercase scalars without tone (`a ă â … đ` and consonants).
    private(set) var letters: [UInt32] = []
    /// 0 none, 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng (`VietnameseVowels.toneMarks` order).
    private(set) var tone = 0
    /// True once a key acted as a mark rather than a letter: a token with no mark key is not residue.
    private(set) var usedMarkKey = false
    private var toneKeys = 0

    private static let a: UInt32 = 0x61, e: UInt32 = 0x65, o: UInt32 = 0x6F, u: UInt32 = 0x75, d: UInt32 = 0x64
    private static let â: UInt32 = 0xE2, ê: UInt32 = 0xEA, ô: UInt32 = 0xF4, ă: UInt32 = 0x103
    private static let ơ: UInt32 = 0x1A1, ư: UInt32 = 0x1B0, đ: UInt32 = 0x111

    var hasVowel: Bool { letters.contains { AnalysisTables.shared.vowel($0) != nil } }
    var last: UInt32? { letters.last }

    mutating func append(_ scalar: UInt32) { letters.append(scalar) }

    /// Sets the tone; false when a tone key was already used (input methods would toggle or replace it,
    /// which real residue almost never shows, while English words like `sass` would).
    mutating func setTone(_ newTone: Int) -> Bool {
        guard hasVowel, toneKeys == 0 else { return false }
        toneKeys += 1
        tone = newTone
        usedMarkKey = true
        return true
    }

    mutating func removeTone() -> Bool {
        guard hasVowel else { return false }
        tone = 0
        usedMarkKey = true
        return true
    }

    /// `dd` (Telex) or `d9` (VNI): the initial `d` becomes `đ`.
    mutating func strokeInitialD() -> Bool {
        guard letters.first == Self.d else { return false }
        letters[0] = Self.đ
        usedMarkKey = true
        return true
    }

    /// Telex `aa ee oo`: the letter just typed doubles the previous one into its circumflex form.
    mutating func doubleLastVowel(_ scalar: UInt32) -> Bool {
        guard letters.last == scalar, let circumflex = Self.circumflex(scalar) else { return false }
        letters[letters.count - 1] = circumflex
        usedMarkKey = true
        return true
    }

    /// Circumflex on the last `a e o` of the last vowel run (VNI 6: `vie6t`, `uo6`).
    mutating func addCircumflex() -> Bool {
        guard let run = lastVowelRun() else { return false }
        for index in run.reversed() {
            if let circumflex = Self.circumflex(letters[index]) {
                letters[index] = circumflex
                usedMarkKey = true
                return true
            }
        }
        return false
    }

    /// Breve on `a` (Telex w, VNI 8).
    mutating func addBreve() -> Bool {
        guard let run = lastVowelRun(), let index = run.last(where: { letters[$0] == Self.a }) else { return false }
        letters[index] = Self.ă
        usedMarkKey = true
        return true
    }

    /// Horn: `uo`/`ưo` → `ươ`, else the last `o` → `ơ` or `u` → `ư` (Telex w, VNI 7).
    mutating func addHorn() -> Bool {
        guard let run = lastVowelRun() else { return false }
        for index in run.dropLast() where (letters[index] == Self.u || letters[index] == Self.ư)
            && letters[index + 1] == Self.o {
            letters[index] = Self.ư
            letters[index + 1] = Self.ơ
            usedMarkKey = true
            return true
        }
        guard let index = run.last(where: { letters[$0] == Self.o || letters[$0] == Self.u }) else { return false }
        letters[index] = letters[index] == Self.o ? Self.ơ : Self.ư
        usedMarkKey = true
        return true
    }

    /// Telex `w`: breve on `a` if there is one, else horn; alone (`w`, `tw`) it types `ư`.
    mutating func telexW() -> Bool {
        guard lastVowelRun() != nil else {
            letters.append(Self.ư)
            usedMarkKey = true
            return true
        }
        return addBreve() || addHorn()
    }

    /// The decoded syllable (tone on its canonical vowel), or nil if no mark key was used or the result is
    /// not a Vietnamese syllable.
    func result() -> String? {
        guard usedMarkKey, !letters.isEmpty else { return nil }
        if let text = Self.syllable(letters, tone: tone) { return text }
        // A horn key on `uo` makes `ươ`, but open `uơ` (`thuở`, `quờ`, `huơ`) has the horn on `o` only.
        guard let horned = letters.indices.dropLast().first(where: { letters[$0] == Self.ư && letters[$0 + 1] == Self.ơ })
        else { return nil }
        var alternative = letters
        alternative[horned] = Self.u
        return Self.syllable(alternative, tone: tone)
    }

    private static func syllable(_ letters: [UInt32], tone: Int) -> String? {
        let tables = AnalysisTables.shared
        var scalars = letters
        if tone != 0 {
            guard let run = lastVowelRun(in: scalars), let row = tables.vowel(scalars[run.lowerBound])?.row else { return nil }
            scalars[run.lowerBound] = tables.vowelScalar(row: row, tone: tone)
            scalars.withUnsafeMutableBufferPointer { TonePlacement(tables: tables).canonicalize($0) }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars.compactMap(Unicode.Scalar.init))
        return VietnameseSyllable.isValid(text) ? text : nil
    }

    private func lastVowelRun() -> Range<Int>? {
        Self.lastVowelRun(in: letters)
    }

    private static func lastVowelRun(in letters: [UInt32]) -> Range<Int>? {
        let tables = AnalysisTables.shared
        guard let end = letters.lastIndex(where: { tables.vowel($0) != nil }) else { return nil }
        var start = end
        while start > 0 && tables.vowel(letters[start - 1]) != nil { start -= 1 }
        return start..<(end + 1)
    }

    private static func circumflex(_ scalar: UInt32) -> UInt32? {
        switch scalar {
        case a: return â
        case e: return ê
        case o: return ô
        default: return nil
        }
    }
}
