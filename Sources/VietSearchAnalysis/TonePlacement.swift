/// Moves the tone mark of a Vietnamese syllable to its canonical place, the 2018 main-vowel rule
/// (VIETNAMESE.md §3): `hòa` → `hoà`, `ủy` → `uỷ`, `khóa` → `khoá`. Anything that does not parse as a
/// syllable (foreign words, more than one tone) is left exactly as written.
struct TonePlacement {
    let tables: AnalysisTables

    /// Vowel runs (without tone) that occur in Vietnamese syllables, after the initial consonant
    /// (`qu` and `gi` count as initials, so `uy` in `quý` is just `y`). Indexed by `nucleusCode`.
    private static let validNuclei: [Bool] = {
        let nuclei = [
            "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
            "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi",
            "ơi", "oo", "ôô", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê",
            "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "uêu",
        ]
        var table = [Bool](repeating: false, count: 13 * 13 * 13)
        let tables = AnalysisTables.shared
        for nucleus in nuclei {
            let rows = nucleus.unicodeScalars.compactMap { tables.vowel($0.value)?.row }
            table[nucleusCode(rows)] = true
        }
        return table
    }()

    @inline(__always) private static func nucleusCode(_ rows: [Int]) -> Int {
        var code = 0
        for row in rows { code = code * 13 + row + 1 }
        return code
    }

    /// Rewrites `letters` (lowercase, composed scalars of one token) with the tone on its canonical vowel.
    func canonicalize(_ letters: UnsafeMutableBufferPointer<UInt32>) {
        var tone = 0
        var tonePosition = -1
        var toneRow = 0
        var vowelCount = 0
        for index in letters.indices {
            if let vowel = tables.vowel(letters[index]) {
                vowelCount += 1
                guard vowel.tone != 0 else { continue }
                if tone != 0 { return }  // two tones: not a syllable
                tone = vowel.tone
                tonePosition = index
                toneRow = vowel.row
            } else if !Self.isConsonant(letters[index]) {
                return
            }
        }
        // With one vowel the tone is already in place (if the token is a syllable at all): the common case.
        guard tone != 0, vowelCount > 1 else { return }
        letters[tonePosition] = tables.vowelScalar(row: toneRow, tone: 0)
        guard let target = mainVowelIndex(letters), let row = tables.vowel(letters[target])?.row else {
            letters[tonePosition] = tables.vowelScalar(row: toneRow, tone: tone)
            return
        }
        letters[target] = tables.vowelScalar(row: row, tone: tone)
    }

    /// Index of the vowel that carries the tone in a toneless syllable, or nil if it is not a syllable.
    private func mainVowelIndex(_ letters: UnsafeMutableBufferPointer<UInt32>) -> Int? {
        guard let vowelStart = initialLength(letters) else { return nil }
        var vowelEnd = vowelStart
        var rows = (0, 0, 0)  // a tuple, not an array: no allocation per token
        var count = 0
        while vowelEnd < letters.count, let vowel = tables.vowel(letters[vowelEnd]) {
            switch count {
            case 0: rows.0 = vowel.row
            case 1: rows.1 = vowel.row
            case 2: rows.2 = vowel.row
            default: return nil
            }
            count += 1
            vowelEnd += 1
        }
        let code: Int
        switch count {
        case 1: code = rows.0 + 1
        case 2: code = (rows.0 + 1) * 13 + rows.1 + 1
        case 3: code = ((rows.0 + 1) * 13 + rows.1 + 1) * 13 + rows.2 + 1
        default: return nil
        }
        guard Self.validNuclei[code], Self.isFinal(letters, from: vowelEnd) else { return nil }
        let shaped = VietnameseVowels.isShaped
        if count == 3 && shaped(rows.2) { return vowelStart + 2 }  // rule 4: last shaped vowel
        if count >= 2 && shaped(rows.1) { return vowelStart + 1 }  // (ươ → ơ, uô/iê/yê → 2nd)
        if shaped(rows.0) { return vowelStart }
        if count == 1 { return vowelStart }                                 // rule 5
        if count == 3 { return vowelStart + 1 }                             // rule 6: ngoài, khuỷu
        if vowelEnd < letters.count { return vowelStart + 1 }               // rule 7: hoàn, huỳnh, khoét
        let R = VietnameseVowels.Row.self
        if (rows.0 == R.o && (rows.1 == R.a || rows.1 == R.e)) || (rows.0 == R.u && rows.1 == R.y) {
            return vowelStart + 1                                           // rule 8: hoà, khoẻ, thuỷ
        }
        return vowelStart                                                   // rule 9: bìa, của, lửa
    }

    /// Length of the initial consonant cluster; nil if the token starts with something that cannot begin
    /// a syllable. `qu` is an initial; `gi` is one when another vowel follows (`giữ`, but `gì`).
    private func initialLength(_ s: UnsafeMutableBufferPointer<UInt32>) -> Int? {
        guard let first = s.first else { return nil }
        if tables.vowel(first) != nil { return 0 }
        let second: UInt32 = s.count > 1 ? s[1] : 0
        switch (first, second) {
        case (0x6E, 0x67):                                    // ng, ngh
            return s.count > 2 && s[2] == 0x68 ? 3 : 2
        case (0x67, 0x68), (0x6B, 0x68), (0x6E, 0x68), (0x70, 0x68), (0x74, 0x68), (0x74, 0x72), (0x63, 0x68):
            return 2                                          // gh kh nh ph th tr ch
        case (0x71, 0x75):                                    // qu
            return 2
        case (0x71, _):
            return nil
        case (0x67, 0x69):                                    // gi + vowel, else g
            return s.count > 2 && tables.vowel(s[2]) != nil ? 2 : 1
        default:
            return Self.isInitialConsonant(first) ? 1 : nil
        }
    }

    private static func isInitialConsonant(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x62, 0x63, 0x64, 0x67, 0x68, 0x6B, 0x6C, 0x6D, 0x6E, 0x70, 0x72, 0x73, 0x74, 0x76, 0x78, 0x111:
            return true
        default:
            return false
        }
    }

    /// Letters that may appear in a syllable outside its vowels (the ASCII consonants and đ).
    private static func isConsonant(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x62...0x64, 0x66, 0x67, 0x68, 0x6A...0x6E, 0x70...0x74, 0x76...0x78, 0x7A, 0x111: return true
        default: return false
        }
    }

    /// Final consonants: c ch m n ng nh p t, or none.
    private static func isFinal(_ letters: UnsafeMutableBufferPointer<UInt32>, from start: Int) -> Bool {
        let a: UInt32 = start < letters.count ? letters[start] : 0
        let b: UInt32 = start + 1 < letters.count ? letters[start + 1] : 0
        switch letters.count - start {
        case 0: return true
        case 1: return a == 0x63 || a == 0x6D || a == 0x6E || a == 0x70 || a == 0x74
        case 2: return (a == 0x63 && b == 0x68) || (a == 0x6E && (b == 0x67 || b == 0x68))
        default: return false
        }
    }
}
