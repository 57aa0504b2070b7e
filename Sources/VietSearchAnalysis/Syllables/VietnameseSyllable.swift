/// Vietnamese syllable validity from the spelling rules, not from a word list: an initial consonant
/// cluster, a rhyme from the closed set of Vietnamese rhymes (medial + nucleus + final), and the tone
/// constraints (VIETNAMESE.md §3, §8). Used to accept a typing-method decoding (`TypingResidueDecoder`)
/// and to score legacy-encoding guesses (`LegacyDecoder`).
public enum VietnameseSyllable {
    /// True when `exactKey` (one syllable, NFC, lowercase or capitalised; the tone may sit on either
    /// vowel of `oa`/`oe`/`uy`) spells a Vietnamese syllable:
    /// - initial: none, b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x;
    ///   `c g ng` never precede `i e ê y`, `k gh ngh` only precede them (`gi` + `i…` is `g` + `i…`: `gìn`);
    /// - rhyme: one of `rhymes` (after `qu` the `u` is the medial: `quốc` = qu + uôc, `quý` = qu + uy;
    ///   after `gi` the `i` may merge: `giếng` = gi + iêng); `iê…` needs an initial, `yê…` has none;
    /// - tone: at most one; rhymes ending in the stops p t c ch take only sắc or nặng (`tết`, `học`).
    /// A few entries of the hunspell-vi dictionary break these rules (`dictionaryLoans`) and are accepted.
    public static func isValid(_ exactKey: String) -> Bool {
        followsSpellingRules(exactKey) || dictionaryLoans.contains(exactKey)
    }

    /// The rules of `isValid` without the dictionary's loan exceptions.
    static func followsSpellingRules(_ exactKey: String) -> Bool {
        var letters: (UInt64, Int) = (0, 0)  // up to 12 letter codes, 5 bits each; count
        var tone = 0
        let tables = AnalysisTables.shared
        for scalar in exactKey.unicodeScalars {
            let value = tables.lowercased(scalar.value)
            var code: UInt64
            if let vowel = tables.vowel(value) {
                if vowel.tone != 0 {
                    if tone != 0 { return false }
                    tone = vowel.tone
                }
                code = UInt64(vowel.row + 1)
            } else {
                guard let consonant = consonantCode(value) else { return false }
                code = consonant
            }
            guard letters.1 < 12 else { return false }
            letters.0 = letters.0 << 5 | code
            letters.1 += 1
        }
        guard letters.1 > 0 else { return false }
        return isValidToneless(letters.0, count: letters.1, tone: tone)
    }

    /// Letter codes: vowel rows 1...12 (`VietnameseVowels.Row` + 1), then the consonants.
    private enum Code {
        static let a: UInt64 = 1, ă: UInt64 = 2, â: UInt64 = 3, e: UInt64 = 4, ê: UInt64 = 5, i: UInt64 = 6
        static let o: UInt64 = 7, u: UInt64 = 10, ư: UInt64 = 11, y: UInt64 = 12
        static let b: UInt64 = 13, c: UInt64 = 14, d: UInt64 = 15, đ: UInt64 = 16, g: UInt64 = 17
        static let h: UInt64 = 18, k: UInt64 = 19, l: UInt64 = 20, m: UInt64 = 21, n: UInt64 = 22
        static let p: UInt64 = 23, q: UInt64 = 24, r: UInt64 = 25, s: UInt64 = 26, t: UInt64 = 27
        static let v: UInt64 = 28, x: UInt64 = 29
    }

    private static func consonantCode(_ value: UInt32) -> UInt64? {
        switch value {
        case 0x62: return Code.b
        case 0x63: return Code.c
        case 0x64: return Code.d
        case 0x111: return Code.đ
        case 0x67: return Code.g
        case 0x68: return Code.h
        case 0x6B: return Code.k
        case 0x6C: return Code.l
        case 0x6D: return Code.m
        case 0x6E: return Code.n
        case 0x70: return Code.p
        case 0x71: return Code.q
        case 0x72: return Code.r
        case 0x73: return Code.s
        case 0x74: return Code.t
        case 0x76: return Code.v
        case 0x78: return Code.x
        default: return nil
        }
    }

    /// `letters` holds `count` codes, the first in the highest bits.
    private static func isValidToneless(_ letters: UInt64, count: Int, tone: Int) -> Bool {
        @inline(__always) func letter(_ index: Int) -> UInt64 {
            index < count ? (letters >> UInt64(5 * (count - 1 - index))) & 31 : 0
        }
        @inline(__always) func isVowel(_ code: UInt64) -> Bool { code >= 1 && code <= 12 }
        // Longest initial first: ngh, then two-letter clusters, then one letter.
        let first = letter(0), second = letter(1), third = letter(2)
        var initial = 0
        switch (first, second) {
        case (Code.n, Code.g): initial = third == Code.h ? 3 : 2
        case (Code.g, Code.h), (Code.k, Code.h), (Code.n, Code.h), (Code.p, Code.h), (Code.t, Code.h),
             (Code.t, Code.r), (Code.c, Code.h), (Code.q, Code.u):
            initial = 2
        case (Code.g, Code.i): initial = isVowel(third) ? 2 : 1
        case (Code.q, _): return false
        default: initial = isVowel(first) ? 0 : 1
        }
        let rhymeCount = count - initial
        guard rhymeCount > 0 else { return false }
        let rhyme = letters & ((1 << UInt64(5 * rhymeCount)) - 1)
        let rhymeFirst = letter(initial), rhymeSecond = letter(initial + 1)
        let last = letter(count - 1), beforeLast = count >= 2 ? letter(count - 2) : 0
        // Stop finals (p, t, c, ch) take only sắc (1) or nặng (5).
        let isStop = last == Code.p || last == Code.t || last == Code.c || (last == Code.h && beforeLast == Code.c)
        if isStop && tone != 1 && tone != 5 { return false }
        let frontVowel = rhymeFirst == Code.i || rhymeFirst == Code.e || rhymeFirst == Code.ê || rhymeFirst == Code.y
        let initialIs = { (a: UInt64, b: UInt64, c: UInt64) -> Bool in
            (initial == 1 && first == a && b == 0) || (initial == 2 && first == a && second == b && c == 0)
                || (initial == 3 && first == a && second == b && third == c)
        }
        let cgng = initialIs(Code.c, 0, 0) || initialIs(Code.g, 0, 0) || initialIs(Code.n, Code.g, 0)
        if cgng && frontVowel && !(initialIs(Code.g, 0, 0) && rhymeFirst == Code.i) { return false }
        let kghngh = initialIs(Code.k, 0, 0) || initialIs(Code.g, Code.h, 0) || initialIs(Code.n, Code.g, Code.h)
        if kghngh && !frontVowel { return false }
        let startsIê = rhymeFirst == Code.i && rhymeSecond == Code.ê
        let startsYê = rhymeFirst == Code.y && rhymeSecond == Code.ê
        let isQu = initialIs(Code.q, Code.u, 0)
        if initial == 0 && startsIê { return false }
        if initial > 0 && !isQu && startsYê { return false }
        if isQu {
            guard rhymeFirst != Code.u && rhymeFirst != Code.ư else { return false }
            return rhymeCodes.contains(rhyme) || (rhymeCount < 12 && rhymeCodes.contains(Code.u << UInt64(5 * rhymeCount) | rhyme))
        }
        if initialIs(Code.g, Code.i, 0) {
            return rhymeCodes.contains(rhyme) || (rhymeCount < 12 && rhymeCodes.contains(Code.i << UInt64(5 * rhymeCount) | rhyme))
        }
        return rhymeCodes.contains(rhyme)
    }

    /// The toneless Vietnamese rhymes (Đoàn Thiện Thuật, *Ngữ âm tiếng Việt*, rhyme inventory; spelled
    /// as written, so `iê`/`yê`/`ia` and `uô`/`ua`, `ươ`/`ưa` appear in each of their spellings).
    static let rhymes: [String] = [
        "a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
        "ăc", "ăm", "ăn", "ăng", "ăp", "ăt",
        "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây",
        "e", "ec", "em", "en", "eng", "eo", "ep", "et",
        "ê", "êch", "êm", "ên", "ênh", "êp", "êt", "êu",
        "i", "ia", "ich", "im", "in", "inh", "ip", "it", "iu",
        "iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu",
        "yêm", "yên", "yêng", "yêt", "yêu",
        "o", "oc", "oi", "om", "on", "ong", "op", "ot", "oong", "ooc",
        "ô", "ôc", "ôi", "ôm", "ôn", "ông", "ôp", "ôt",
        "ơ", "ơi", "ơm", "ơn", "ơp", "ơt",
        "u", "ua", "uc", "ui", "um", "un", "ung", "up", "ut",
        "uôc", "uôi", "uôm", "uôn", "uông", "uôt",
        "ư", "ưa", "ưc", "ưi", "ưm", "ưn", "ưng", "ưt", "ưu",
        "ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu",
        "y",
        // With the medial o/u (after a consonant other than q, or none).
        "oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat", "oay",
        "oăc", "oăm", "oăn", "oăng", "oăt",
        "oe", "oen", "oeo", "oet",
        "uân", "uâng", "uât", "uây",
        "uê", "uêch", "uênh",
        "uơ",
        "uy", "uych", "uyên", "uyêt", "uyn", "uynh", "uyp", "uyt", "uyu", "uya",
    ]

    /// Entries of hunspell-vi's syllable list (Fixtures/analysis/vi-syllables.txt) that are loans,
    /// abbreviations or toneless stop syllables, so the spelling rules reject them.
    static let dictionaryLoans: Set<String> = [
        "basoi", "email", "gen", "gip", "gram", "internet", "intranet", "ka", "palăng", "ping", "tivi",
        "tout", "têt", "v", "web", "xit",
    ]

    private static let rhymeCodes: Set<UInt64> = {
        var codes = Set<UInt64>()
        let tables = AnalysisTables.shared
        for rhyme in rhymes {
            var code: UInt64 = 0
            for scalar in rhyme.unicodeScalars {
                let letter = tables.vowel(scalar.value).map { UInt64($0.row + 1) } ?? consonantCode(scalar.value) ?? 0
                code = code << 5 | letter
            }
            codes.insert(code)
        }
        return codes
    }()
}

/// Shorthand for `VietnameseSyllable.isValid(_:)`.
public func isValidSyllable(_ exactKey: String) -> Bool {
    VietnameseSyllable.isValid(exactKey)
}
