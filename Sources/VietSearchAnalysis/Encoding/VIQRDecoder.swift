/// VIQR, Vietnamese Quoted-Readable (RFC 1456): ASCII letters followed by mark characters.
/// Shape: `^` circumflex (a e o), `(` breve (a), `+` horn (o u). Tone: `'` sắc, `` ` `` huyền, `?` hỏi,
/// `~` ngã, `.` nặng. `dd`/`DD`/`Dd` at the start of a word is đ/Đ. A backslash makes the next mark
/// character literal (`\.`), as the RFC specifies.
/// One reading beyond the RFC, to keep ordinary punctuation: a tone character after a word that
/// already has a tone is punctuation (`Ha\` No^.i.` ends with a full stop), since a syllable takes one tone;
/// and a word-final `.` or `?` that ends a sentence (then end of text, a line break, or spaces and a
/// capital) is punctuation too, unless a shape mark comes just before it (`Anh ddi dda^u?` is `Anh đi đâu?`,
/// `o+? Ha`` is `ở Hà`; write `dda^u\?` for `đâủ`).
enum VIQRDecoder {
    /// Decoded NFC text: marks rewrite the vowel they follow in place (no cleaning pass needed).
    static func decode(_ text: String) -> String {
        var output: [UInt32] = []
        output.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        let tables = AnalysisTables.shared
        var index = 0
        var lastVowel: UInt32 = 0     // lowercase base vowel just written (marks attach to it), 0 if none
        var lastShape: UInt32 = 0     // shape mark written after it
        var vowel = (index: 0, row: 0, tone: 0, isUppercase: false)  // the vowel marks rewrite
        func rewriteVowel() {
            let composed = tables.vowelScalar(row: vowel.row, tone: vowel.tone)
            output[vowel.index] = vowel.isUppercase ? uppercase(composed) : composed
        }
        var wordHasTone = false
        var previousIsLetter = false
        while index < scalars.count {
            let scalar = scalars[index]
            let value = scalar.value
            let lower = value >= 0x41 && value <= 0x5A ? value + 0x20 : value
            if value == 0x5C, index + 1 < scalars.count, isMarkCharacter(scalars[index + 1].value)
                || scalars[index + 1] == "d" || scalars[index + 1] == "D" {
                output.append(scalars[index + 1].value)  // escaped: literal
                index += 2
                lastVowel = 0
                previousIsLetter = false
                continue
            }
            if lastVowel != 0, let shape = shapeMark(value), lastShape == 0, accepts(lastVowel, shape) {
                vowel.row = shaped(vowel.row, shape)
                rewriteVowel()
                lastShape = shape
                index += 1
                continue
            }
            if lastVowel != 0, !wordHasTone, let tone = toneMark(value), lastShape != 0 || !endsSentence(scalars, at: index) {
                vowel.tone = VietnameseVowels.toneMarks.firstIndex(of: tone) ?? 0
                rewriteVowel()
                wordHasTone = true  // lastVowel stays: a shape mark may still follow (`a.^`, NFD order)
                index += 1
                continue
            }
            if lower == 0x64, !previousIsLetter, index + 1 < scalars.count,
               scalars[index + 1] == "d" || scalars[index + 1] == "D" {
                output.append(value == 0x44 ? 0x110 : 0x111)
                index += 2
                previousIsLetter = true
                lastVowel = 0
                continue
            }
            output.append(value)
            let isLetter = (lower >= 0x61 && lower <= 0x7A) || value >= 0xC0
            if !isLetter { wordHasTone = false }
            if !previousIsLetter && isLetter { wordHasTone = false }
            previousIsLetter = isLetter
            switch lower {
            case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79:
                lastVowel = lower
                vowel = (output.count - 1, tables.vowel(lower)?.row ?? 0, 0, lower != value)
            default: lastVowel = 0
            }
            lastShape = 0
            index += 1
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(output.count + output.count / 2)
        for value in output { appendUTF8(value, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The vowel row after a shape mark: circumflex a/e/o → â/ê/ô, breve a → ă, horn o/u → ơ/ư.
    private static func shaped(_ row: Int, _ shape: UInt32) -> Int {
        let rows = VietnameseVowels.Row.self
        switch shape {
        case 0x302: return row == rows.a ? rows.â : row == rows.e ? rows.ê : rows.ô
        case 0x306: return rows.ă
        default: return row == rows.o ? rows.ơ : rows.ư
        }
    }

    private static func uppercase(_ value: UInt32) -> UInt32 {
        guard let scalar = Unicode.Scalar(value) else { return value }
        return scalar.properties.uppercaseMapping.unicodeScalars.first?.value ?? value
    }

    private static func appendUTF8(_ value: UInt32, to output: inout [UInt8]) {
        if value < 0x80 {
            output.append(UInt8(value))
        } else if value < 0x800 {
            output.append(UInt8(0xC0 | value >> 6))
            output.append(UInt8(0x80 | value & 0x3F))
        } else if value < 0x10000 {
            output.append(UInt8(0xE0 | value >> 12))
            output.append(UInt8(0x80 | (value >> 6) & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        } else {
            output.append(UInt8(0xF0 | value >> 18))
            output.append(UInt8(0x80 | (value >> 12) & 0x3F))
            output.append(UInt8(0x80 | (value >> 6) & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        }
    }


    /// True for `.` or `?` at `index` followed by the end of the text, a line break, or spaces then a capital.
    private static func endsSentence(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard scalars[index] == "." || scalars[index] == "?" else { return false }
        var next = index + 1
        guard next < scalars.count else { return true }
        if scalars[next] == "\n" || scalars[next] == "\r" { return true }
        guard scalars[next] == " " else { return false }
        while next < scalars.count && scalars[next] == " " { next += 1 }
        guard next < scalars.count else { return true }
        let value = scalars[next].value
        return (value >= 0x41 && value <= 0x5A) || scalars[next] == "\n"
    }

    private static func isMarkCharacter(_ value: UInt32) -> Bool {
        shapeMark(value) != nil || toneMark(value) != nil
    }

    private static func shapeMark(_ value: UInt32) -> UInt32? {
        switch value {
        case 0x5E: return 0x302  // ^
        case 0x28: return 0x306  // (
        case 0x2B: return 0x31B  // +
        default: return nil
        }
    }

    private static func toneMark(_ value: UInt32) -> UInt32? {
        switch value {
        case 0x27: return 0x301  // '
        case 0x60: return 0x300  // `
        case 0x3F: return 0x309  // ?
        case 0x7E: return 0x303  // ~
        case 0x2E: return 0x323  // .
        default: return nil
        }
    }

    private static func accepts(_ vowel: UInt32, _ shape: UInt32) -> Bool {
        switch shape {
        case 0x302: return vowel == 0x61 || vowel == 0x65 || vowel == 0x6F
        case 0x306: return vowel == 0x61
        default: return vowel == 0x6F || vowel == 0x75
        }
    }
}
