/// The marks of one lowercase Vietnamese letter, for comparing the marks a user typed with those of an
/// index key, and for generating every marked spelling of a folded syllable (`MarkVariants`).
struct LetterMarks: Equatable {
    /// The ASCII letter under the marks (`ệ` → `e`, `đ` → `d`).
    var base: Unicode.Scalar
    /// 0 none, else the shaped letter (`ă`, `â`, `ê`, `ô`, `ơ`, `ư`, `đ`) as a scalar.
    var shape: Unicode.Scalar?
    /// 0 ngang (no mark), 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng.
    var tone: Int
}

/// Tables of the 72 lowercase vowel forms (VIETNAMESE.md §1) and `đ`.
enum VietnameseLetters {
    /// One row per vowel: the ngang form, then sắc, huyền, hỏi, ngã, nặng.
    private static let rows: [String] = [
        "aáàảãạ", "ăắằẳẵặ", "âấầẩẫậ", "eéèẻẽẹ", "êếềểễệ", "iíìỉĩị",
        "oóòỏõọ", "ôốồổỗộ", "ơớờởỡợ", "uúùủũụ", "ưứừửữự", "yýỳỷỹỵ",
    ]
    /// Base ASCII letter of each row.
    private static let rowBase: [Unicode.Scalar] = ["a", "a", "a", "e", "e", "i", "o", "o", "o", "u", "u", "y"]

    /// Every composed form, by (row, tone).
    private static let forms: [[Unicode.Scalar]] = rows.map { Array($0.unicodeScalars) }

    private static let marksByScalar: [Unicode.Scalar: LetterMarks] = {
        var table: [Unicode.Scalar: LetterMarks] = [:]
        for (row, scalars) in forms.enumerated() {
            let plain = scalars[0]
            let shape: Unicode.Scalar? = plain == rowBase[row] ? nil : plain
            for (tone, scalar) in scalars.enumerated() {
                table[scalar] = LetterMarks(base: rowBase[row], shape: shape, tone: tone)
            }
        }
        table["đ"] = LetterMarks(base: "d", shape: "đ", tone: 0)
        return table
    }()

    /// The marks of `scalar`; an unmarked letter (or any other scalar) is its own base.
    static func marks(of scalar: Unicode.Scalar) -> LetterMarks {
        marksByScalar[scalar] ?? LetterMarks(base: scalar, shape: nil, tone: 0)
    }

    /// True for a precomposed Vietnamese letter with a mark, or `đ`, in either case (`ễ`, `Ễ`, `Đ`).
    static func isMarked(_ scalar: Unicode.Scalar) -> Bool {
        if marksByScalar[scalar] != nil { return true }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        guard lower.count == 1, let first = lower.first, first != scalar else { return false }
        return marksByScalar[first] != nil
    }

    /// The plain and shaped letters a folded letter can stand for (`a` → a ă â, `d` → d đ, `i` → i y).
    static func shapes(of base: Unicode.Scalar) -> [Unicode.Scalar] {
        switch base {
        case "a": return ["a", "ă", "â"]
        case "e": return ["e", "ê"]
        case "o": return ["o", "ô", "ơ"]
        case "u": return ["u", "ư"]
        case "d": return ["d", "đ"]
        case "i": return ["i", "y"]
        default: return [base]
        }
    }

    /// True for a letter that can carry a tone (`a e i o u y` and their shaped forms).
    static func isVowel(_ scalar: Unicode.Scalar) -> Bool {
        let base = marks(of: scalar).base
        return base == "a" || base == "e" || base == "i" || base == "o" || base == "u" || base == "y"
    }

    /// `letter` (a plain or shaped vowel, tone ngang) with `tone` added.
    static func withTone(_ letter: Unicode.Scalar, _ tone: Int) -> Unicode.Scalar {
        guard tone > 0, let row = forms.firstIndex(where: { $0[0] == letter }) else { return letter }
        return forms[row][tone]
    }
}
