/// VNI-Windows (VNI Software's 8-bit font encoding, as tabulated in Unikey's charset tables, `vnconv`
/// `VNIWin`, and in the VNI font documentation): ASCII base letters followed by a mark byte from the
/// Latin-1 range, plus nine letters of their own. Lowercase marks (uppercase marks are 0x20 lower):
///
/// | byte | mark | byte | mark | byte | mark |
/// |---|---|---|---|---|---|
/// | F9 ù | sắc | E2 â | circumflex | EA ê | breve |
/// | F8 ø | huyền | E1 á | circumflex + sắc | E9 é | breve + sắc |
/// | FB û | hỏi | E0 à | circumflex + huyền | E8 è | breve + huyền |
/// | F5 õ | ngã | E5 å | circumflex + hỏi | FA ú | breve + hỏi |
/// | EF ï | nặng | E3 ã | circumflex + ngã | FC ü | breve + ngã |
/// |  |  | E4 ä | circumflex + nặng | EB ë | breve + nặng |
///
/// Letters of their own: ED í, EC ì, E6 ỉ, F3 ĩ, F2 ị, EE ỵ, F1 đ, F4 ơ, F6 ư (and their uppercase at
/// 0x20 lower). `Vieät Nam ñaûng` is `Việt Nam đảng`. Other bytes above 0x7F are read as cp1252
/// (punctuation); a mark byte with no vowel before it, or a Latin-1 letter VNI does not use, is invalid.
enum VNIWindowsDecoder {
    private enum Entry {
        case invalid
        case letter(UInt32)
        case marks(shape: UInt32, tone: UInt32)  // combining marks, 0 for none
    }

    /// Entries of bytes 0xC0...0xFF.
    private static let table: [Entry] = {
        let acute: UInt32 = 0x301, grave: UInt32 = 0x300, hook: UInt32 = 0x309, tilde: UInt32 = 0x303
        let dot: UInt32 = 0x323, circumflex: UInt32 = 0x302, breve: UInt32 = 0x306
        let lowercase: [(UInt8, Entry)] = [
            (0xF9, .marks(shape: 0, tone: acute)), (0xF8, .marks(shape: 0, tone: grave)),
            (0xFB, .marks(shape: 0, tone: hook)), (0xF5, .marks(shape: 0, tone: tilde)),
            (0xEF, .marks(shape: 0, tone: dot)),
            (0xE2, .marks(shape: circumflex, tone: 0)), (0xE1, .marks(shape: circumflex, tone: acute)),
            (0xE0, .marks(shape: circumflex, tone: grave)), (0xE5, .marks(shape: circumflex, tone: hook)),
            (0xE3, .marks(shape: circumflex, tone: tilde)), (0xE4, .marks(shape: circumflex, tone: dot)),
            (0xEA, .marks(shape: breve, tone: 0)), (0xE9, .marks(shape: breve, tone: acute)),
            (0xE8, .marks(shape: breve, tone: grave)), (0xFA, .marks(shape: breve, tone: hook)),
            (0xFC, .marks(shape: breve, tone: tilde)), (0xEB, .marks(shape: breve, tone: dot)),
            (0xED, .letter(0xED)), (0xEC, .letter(0xEC)), (0xE6, .letter(0x1EC9)), (0xF3, .letter(0x129)),
            (0xF2, .letter(0x1ECB)), (0xEE, .letter(0x1EF5)), (0xF1, .letter(0x111)), (0xF4, .letter(0x1A1)),
            (0xF6, .letter(0x1B0)),
        ]
        var table = [Entry](repeating: .invalid, count: 0x40)
        for (byte, entry) in lowercase {
            table[Int(byte - 0xC0)] = entry
            switch entry {
            case .marks, .invalid: table[Int(byte - 0xE0)] = entry
            case .letter(let scalar): table[Int(byte - 0xE0)] = .letter(uppercase(scalar))
            }
        }
        return table
    }()

    private static func uppercase(_ value: UInt32) -> UInt32 {
        guard let scalar = Unicode.Scalar(value) else { return value }
        return scalar.properties.uppercaseMapping.unicodeScalars.first?.value ?? value
    }

    /// Decoded NFC text: a mark byte replaces the base letter before it by the composed vowel.
    static func decode(_ bytes: [UInt8], replaceInvalid: Bool) throws(LegacyDecodingError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 2)
        var previousBase: UInt32 = 0  // lowercase base letter the next mark byte may attach to, 0 if none
        var baseStart = 0             // where that letter's UTF-8 starts in `output`
        var baseIsUppercase = false
        let tables = AnalysisTables.shared
        for (offset, byte) in bytes.enumerated() {
            if byte < 0x80 {
                baseStart = output.count
                output.append(byte)
                previousBase = UInt32(byte | 0x20)
                baseIsUppercase = byte >= 0x41 && byte <= 0x5A
                continue
            }
            if byte < 0xC0 {
                appendUTF8(Windows1252.scalar(byte), to: &output)
                previousBase = 0
                continue
            }
            switch table[Int(byte - 0xC0)] {
            case .letter(let scalar):
                baseStart = output.count
                appendUTF8(scalar, to: &output)
                previousBase = tables.lowercased(scalar)
                baseIsUppercase = previousBase != scalar
            case .marks(let shape, let tone) where accepts(base: previousBase, shape: shape):
                guard let vowel = tables.vowel(previousBase) else { fallthrough }
                let composed = tables.vowelScalar(row: shaped(vowel.row, shape),
                                                  tone: VietnameseVowels.toneMarks.firstIndex(of: tone) ?? 0)
                output.removeSubrange(baseStart...)
                appendUTF8(baseIsUppercase ? uppercase(composed) : composed, to: &output)
                previousBase = 0
            default:
                guard replaceInvalid else {
                    throw LegacyDecodingError(encoding: .vni, byteOffset: offset,
                                              reason: "byte 0x\(UTF8Validation.hex(byte)) is not a VNI letter or follows no vowel")
                }
                appendUTF8(0xFFFD, to: &output)
                previousBase = 0
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The vowel row after adding `shape` (circumflex: a → â, e → ê, o → ô; breve: a → ă).
    private static func shaped(_ row: Int, _ shape: UInt32) -> Int {
        let rows = VietnameseVowels.Row.self
        switch shape {
        case 0x302: return row == rows.a ? rows.â : row == rows.e ? rows.ê : rows.ô
        case 0x306: return rows.ă
        default: return row
        }
    }

    /// Circumflex goes on a e o, breve on a, a tone alone on any vowel (ơ ư included).
    private static func accepts(base: UInt32, shape: UInt32) -> Bool {
        switch shape {
        case 0x302: return base == 0x61 || base == 0x65 || base == 0x6F
        case 0x306: return base == 0x61
        default:
            switch base {
            case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79, 0x1A1, 0x1B0: return true
            default: return false
            }
        }
    }

    private static func appendUTF8(_ value: UInt32, to output: inout [UInt8]) {
        if value < 0x80 {
            output.append(UInt8(value))
        } else if value < 0x800 {
            output.append(UInt8(0xC0 | value >> 6))
            output.append(UInt8(0x80 | value & 0x3F))
        } else {
            output.append(UInt8(0xE0 | value >> 12))
            output.append(UInt8(0x80 | (value >> 6) & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        }
    }
}
