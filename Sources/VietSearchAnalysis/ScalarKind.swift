/// What a Unicode scalar is to the analyser. Computed once per scalar into `AnalysisTables.kinds`.
enum ScalarKind: UInt8 {
    /// Punctuation, symbols, controls: ends a token and is kept by `clean`.
    case separator = 0
    /// Any space separator (Zs: U+0020, NBSP U+00A0, U+202F, U+2007, ...): cleaned to U+0020.
    case space
    /// Format characters (Cf: ZWSP/ZWNJ/ZWJ, BOM, soft hyphen, LRM, word joiner): deleted by cleaning.
    case invisible
    /// A letter, or a non-ASCII digit (those rarely occur and are treated as parts of words).
    case letter
    /// ASCII 0–9.
    case digit
    /// A combining mark (Mn, Mc, Me): composed onto its base when a table entry exists, else kept.
    case mark
    /// `. , / : -` and the Unicode hyphens U+2010/U+2011: join digit groups and abbreviation parts,
    /// otherwise separate.
    case connector

    /// True for the scalars that make up the body of a token.
    @inline(__always) var isWordPart: Bool {
        self == .letter || self == .digit || self == .mark
    }

    /// True for the scalars a token or a segment can start with: a combining mark with no letter or digit
    /// before it is ignored.
    @inline(__always) var startsWord: Bool {
        self == .letter || self == .digit
    }

    /// Classifies a scalar from its Unicode properties (slow; the tables cache the result).
    static func classify(_ value: UInt32) -> ScalarKind {
        switch value {
        case 0x30...0x39: return .digit
        case 0x41...0x5A, 0x61...0x7A: return .letter
        case 0x2C, 0x2D, 0x2E, 0x2F, 0x3A, 0x2010, 0x2011: return .connector
        default: break
        }
        guard let scalar = Unicode.Scalar(value) else { return .separator }
        switch scalar.properties.generalCategory {
        case .spaceSeparator: return .space
        case .format: return .invisible
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return .letter
        default: return .separator
        }
    }
}
