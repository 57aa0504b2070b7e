/// Lookup tables built once from the Unicode data and the Vietnamese vowel table. Flat arrays cover the
/// scalars below `flatLimit` (every Latin and Vietnamese letter, the general punctuation block); other
/// scripts fall back to the stdlib's Unicode properties.
final class AnalysisTables: Sendable {
    static let shared = AnalysisTables()

    /// Scalars below this value are answered from flat arrays.
    static let flatLimit = 0x3000

    /// Kinds of the scalars below `flatLimit`.
    let kinds: [ScalarKind]
    /// Simple lowercase mapping (identity when the mapping is not a single scalar).
    let lowercase: [UInt32]
    /// The scalar with every combining mark removed (`ệ` → `e`, `Đ` → `D`, `đ` → `d`); identity otherwise.
    let foldBase: [UInt32]
    /// For lowercase Vietnamese vowels: `row * 6 + tone + 1` (see `VietnameseVowels.rows`); 0 otherwise.
    let vowelCodes: [UInt8]
    /// `VietnameseVowels.rows` as scalars, `[row * 6 + tone]`.
    let vowelScalars: [UInt32]
    /// Canonical composition of (base << 32 | combining mark).
    let compositions: [UInt64: UInt32]
    /// One level of canonical decomposition: letter → (base << 32 | combining mark).
    let decompositions: [UInt32: UInt64]

    private init() {
        var kinds = [ScalarKind](repeating: .separator, count: Self.flatLimit)
        var lowercase = [UInt32](repeating: 0, count: Self.flatLimit)
        var foldBase = [UInt32](repeating: 0, count: Self.flatLimit)
        for value in 0..<UInt32(Self.flatLimit) {
            kinds[Int(value)] = ScalarKind.classify(value)
            lowercase[Int(value)] = Self.slowLowercase(value)
            foldBase[Int(value)] = value
        }
        let folds = LatinCompositionTable.foldBases
        for index in stride(from: 0, to: folds.count - 1, by: 2) {
            // Lowercased, because a letter with no single-scalar lowercase (İ) reaches folding as it is.
            foldBase[Int(folds[index])] = lowercase[Int(folds[index + 1])]
        }
        foldBase[0x0110] = 0x44  // Đ has no decomposition (VIETNAMESE.md §1): fold it explicitly.
        foldBase[0x0111] = 0x64

        var vowelCodes = [UInt8](repeating: 0, count: Self.flatLimit)
        var vowelScalars: [UInt32] = []
        for (row, text) in VietnameseVowels.rows.enumerated() {
            for (tone, scalar) in text.unicodeScalars.enumerated() {
                vowelScalars.append(scalar.value)
                vowelCodes[Int(scalar.value)] = UInt8(row * 6 + tone + 1)
            }
        }

        var compositions: [UInt64: UInt32] = [:]
        let pairs = LatinCompositionTable.compositions
        for index in stride(from: 0, to: pairs.count - 2, by: 3) {
            compositions[UInt64(pairs[index]) << 32 | UInt64(pairs[index + 1])] = pairs[index + 2]
        }
        var decompositions: [UInt32: UInt64] = [:]
        let splits = LatinCompositionTable.decompositions
        for index in stride(from: 0, to: splits.count - 2, by: 3) {
            decompositions[splits[index]] = UInt64(splits[index + 1]) << 32 | UInt64(splits[index + 2])
        }

        self.kinds = kinds
        self.lowercase = lowercase
        self.foldBase = foldBase
        self.vowelCodes = vowelCodes
        self.vowelScalars = vowelScalars
        self.compositions = compositions
        self.decompositions = decompositions
    }

    @inline(__always) func kind(of value: UInt32) -> ScalarKind {
        if value < Self.flatLimit { return kinds[Int(value)] }
        return ScalarKind.classify(value)
    }

    @inline(__always) func lowercased(_ value: UInt32) -> UInt32 {
        value < Self.flatLimit ? lowercase[Int(value)] : Self.slowLowercase(value)
    }

    @inline(__always) func folded(_ value: UInt32) -> UInt32 {
        value < Self.flatLimit ? foldBase[Int(value)] : value
    }

    /// `(row, tone)` of a lowercase Vietnamese vowel, nil for anything else.
    @inline(__always) func vowel(_ value: UInt32) -> (row: Int, tone: Int)? {
        guard value < Self.flatLimit else { return nil }
        let code = Int(vowelCodes[Int(value)])
        return code == 0 ? nil : ((code - 1) / 6, (code - 1) % 6)
    }

    @inline(__always) func vowelScalar(row: Int, tone: Int) -> UInt32 {
        vowelScalars[row * 6 + tone]
    }

    func compose(_ base: UInt32, _ mark: UInt32) -> UInt32? {
        compositions[UInt64(base) << 32 | UInt64(mark)]
    }

    func decompose(_ letter: UInt32) -> (base: UInt32, mark: UInt32)? {
        guard let packed = decompositions[letter] else { return nil }
        return (UInt32(truncatingIfNeeded: packed >> 32), UInt32(truncatingIfNeeded: packed))
    }

    private static func slowLowercase(_ value: UInt32) -> UInt32 {
        if value >= 0x41 && value <= 0x5A { return value + 0x20 }
        if value < 0x80 { return value }
        guard let scalar = Unicode.Scalar(value) else { return value }
        let mapped = scalar.properties.lowercaseMapping.unicodeScalars
        // The one multi-scalar lowercase mapping is İ → i + U+0307; keys use the plain `i`, which is what
        // people type (`istanbul`).
        guard let first = mapped.first else { return value }
        return first.value
    }
}
