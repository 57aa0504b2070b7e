/// Marked spellings of a folded syllable, and whether a key keeps every mark a user typed.
///
/// Exact keys are canonical (tone on its 2018 place), so a generated spelling with the tone elsewhere is
/// simply absent from the dictionary: callers look each variant up and keep the ones that exist.
enum MarkVariants {
    /// Longest folded key treated as a syllable (`nghieng` has 7 letters).
    static let maxSyllableLength = 7
    /// Most vowel letters in a syllable (`khuyu`, `nguoi`).
    static let maxVowels = 3

    /// Every spelling of `folded` with shape marks, `đ` and at most one tone on a vowel, including itself.
    /// Empty when `folded` is not a lowercase ASCII syllable-like key (digits, too long, no vowel).
    static func spellings(of folded: String) -> [String] {
        let letters = Array(folded.unicodeScalars)
        guard !letters.isEmpty, letters.count <= maxSyllableLength,
              letters.allSatisfy({ $0.value >= 0x61 && $0.value <= 0x7A }) else { return [] }
        let vowelPositions = letters.indices.filter { VietnameseLetters.isVowel(letters[$0]) }
        guard !vowelPositions.isEmpty, vowelPositions.count <= maxVowels else { return [] }

        var shaped: [[Unicode.Scalar]] = [[]]
        for letter in letters {
            let options = VietnameseLetters.shapes(of: letter)
            shaped = shaped.flatMap { prefix in options.map { prefix + [$0] } }
        }
        var result: [String] = []
        result.reserveCapacity(shaped.count * (1 + 5 * vowelPositions.count))
        for spelling in shaped {
            result.append(Self.string(spelling))
            for position in vowelPositions {
                for tone in 1...5 {
                    var toned = spelling
                    toned[position] = VietnameseLetters.withTone(spelling[position], tone)
                    result.append(Self.string(toned))
                }
            }
        }
        return result
    }

    /// True when `candidate` (an exact key with the same folded key) keeps every mark of `typed`.
    /// A word typed with a tone mark was typed in full: only its own spelling is compatible (`bán` is not
    /// `bắn`). A word typed without a tone (`đang`, `viêt`) left the tone, and the shapes it does not show,
    /// to the reader: a shape mark or `đ` typed on a letter must be there, the rest is free (`đang` is
    /// compatible with `đảng` and `đăng`, not with `dang`).
    static func isCompatible(typed: String, candidate: String) -> Bool {
        let typedLetters = Array(typed.unicodeScalars), candidateLetters = Array(candidate.unicodeScalars)
        guard typedLetters.count == candidateLetters.count else { return typed == candidate }
        let toned = typedLetters.contains { VietnameseLetters.marks(of: $0).tone != 0 }
        for (left, right) in zip(typedLetters, candidateLetters) {
            let want = VietnameseLetters.marks(of: left), have = VietnameseLetters.marks(of: right)
            guard Self.sameBase(want.base, have.base) else { return false }
            if toned {
                guard want.shape == have.shape, want.tone == have.tone else { return false }
            } else if let shape = want.shape, shape != have.shape {
                return false
            }
        }
        return true
    }

    /// True when `key` carries a mark or `đ` (the user chose them).
    static func hasMarks(_ key: String) -> Bool {
        key.unicodeScalars.contains { VietnameseLetters.marks(of: $0) != LetterMarks(base: $0, shape: nil, tone: 0) }
    }

    private static func sameBase(_ left: Unicode.Scalar, _ right: Unicode.Scalar) -> Bool {
        left == right || (left == "i" && right == "y") || (left == "y" && right == "i")
    }

    private static func string(_ scalars: [Unicode.Scalar]) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        return String(text)
    }
}
