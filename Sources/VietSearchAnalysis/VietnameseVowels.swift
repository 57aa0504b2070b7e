/// The 12 Vietnamese vowels × 6 tones (VIETNAMESE.md §1) and the marks that build them.
enum VietnameseVowels {
    /// Lowercase vowels, one row per base (with its shape mark), columns in `toneMarks` order.
    static let rows: [String] = [
        "aáàảãạ", "ăắằẳẵặ", "âấầẩẫậ", "eéèẻẽẹ", "êếềểễệ", "iíìỉĩị",
        "oóòỏõọ", "ôốồổỗộ", "ơớờởỡợ", "uúùủũụ", "ưứừửữự", "yýỳỷỹỵ",
    ]
    /// Column order of `rows`: none (ngang), acute (sắc), grave (huyền), hook above (hỏi),
    /// tilde (ngã), dot below (nặng).
    static let toneMarks: [UInt32] = [0, 0x0301, 0x0300, 0x0309, 0x0303, 0x0323]
    /// True for the rows of the vowels with a shape mark (ă â ê ô ơ ư): they take the tone first (§3 rule 4).
    @inline(__always) static func isShaped(_ row: Int) -> Bool {
        row == Row.ă || row == Row.â || row == Row.ê || row == Row.ô || row == Row.ơ || row == Row.ư
    }

    /// Row numbers used by the syllable rules.
    enum Row {
        static let a = 0, ă = 1, â = 2, e = 3, ê = 4, i = 5, o = 6, ô = 7, ơ = 8, u = 9, ư = 10, y = 11
    }

    /// Circumflex, breve and horn: they must precede tone marks before composing.
    @inline(__always) static func isShapeMark(_ value: UInt32) -> Bool {
        value == 0x0302 || value == 0x0306 || value == 0x031B
    }

    /// The five tone marks.
    @inline(__always) static func isToneMark(_ value: UInt32) -> Bool {
        value == 0x0301 || value == 0x0300 || value == 0x0309 || value == 0x0303 || value == 0x0323
    }

    /// Letters that occur in Vietnamese and (almost) nowhere else: ă â ê ô ơ ư đ in either case and the
    /// Latin Extended Additional block of toned vowels. Used to decide that a word is Vietnamese.
    static func isDistinctlyVietnamese(_ value: UInt32) -> Bool {
        switch value {
        case 0x0102, 0x0103, 0x00C2, 0x00E2, 0x00CA, 0x00EA, 0x00D4, 0x00F4,
             0x01A0, 0x01A1, 0x01AF, 0x01B0, 0x0110, 0x0111, 0x1EA0...0x1EF9:
            return true
        default:
            return false
        }
    }
}
