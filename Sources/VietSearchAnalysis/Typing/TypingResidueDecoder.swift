/// Decodes query tokens left in Telex or VNI keystrokes by a keyboard whose input method was off
/// (VIETNAMESE.md §8): `ddangr` / `d9a3ng` → `đảng`, `vieejt` / `vie65t` → `việt`.
///
/// A decoding is returned only when the token used at least one mark key and the result is a valid
/// syllable (`VietnameseSyllable`). That is still not proof: English words decode too (`is` → `í`,
/// `list` → `lít`, `sax` → `sã`), so callers must use it only as a fallback, when the plain token has no
/// postings, and never at index time. Results are lowercase NFC with the tone on its canonical vowel.
public enum TypingResidueDecoder {
    /// Telex first, then VNI; nil if neither gives a valid syllable.
    public static func decode(_ token: String) -> String? {
        decodeTelex(token) ?? decodeVNI(token)
    }

    /// Telex: `dd` đ, `aa ee oo` â ê ô, `w` after a/o/u (or `uo`) ă ơ ư (ươ), `w` alone ư; tone keys
    /// s (sắc) f (huyền) r (hỏi) x (ngã) j (nặng) after a vowel, `z` removes the tone. One tone key at most.
    public static func decodeTelex(_ token: String) -> String? {
        var syllable = TypedSyllable()
        for scalar in token.unicodeScalars {
            guard let key = lowercaseASCIILetter(scalar) else { return nil }
            let handled: Bool
            switch key {
            case 0x73 where syllable.hasVowel: handled = syllable.setTone(1)   // s
            case 0x66 where syllable.hasVowel: handled = syllable.setTone(2)   // f
            case 0x72 where syllable.hasVowel: handled = syllable.setTone(3)   // r
            case 0x78 where syllable.hasVowel: handled = syllable.setTone(4)   // x
            case 0x6A where syllable.hasVowel: handled = syllable.setTone(5)   // j
            case 0x7A where syllable.hasVowel: handled = syllable.removeTone() // z
            case 0x77: handled = syllable.telexW()                              // w
            case 0x64 where syllable.letters == [0x64]: handled = syllable.strokeInitialD()
            case 0x61, 0x65, 0x6F:
                if syllable.last == key {
                    handled = syllable.doubleLastVowel(key)
                } else {
                    syllable.append(key)
                    handled = true
                }
            default:
                syllable.append(key)
                handled = true
            }
            guard handled else { return nil }
        }
        return syllable.result()
    }

    /// VNI: digits after letters: 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng, 0 removes the tone, 6 circumflex,
    /// 7 horn, 8 breve, 9 đ. Codes such as `U23`, `H5N1`, `4G` are rejected (two tones, a digit before any
    /// vowel, or no valid syllable).
    public static func decodeVNI(_ token: String) -> String? {
        var syllable = TypedSyllable()
        for scalar in token.unicodeScalars {
            let value = scalar.value
            let handled: Bool
            switch value {
            case 0x30: handled = syllable.removeTone()
            case 0x31...0x35: handled = syllable.setTone(Int(value - 0x30))
            case 0x36: handled = syllable.addCircumflex()
            case 0x37: handled = syllable.addHorn()
            case 0x38: handled = syllable.addBreve()
            case 0x39: handled = syllable.strokeInitialD()
            default:
                guard let letter = lowercaseASCIILetter(scalar) else { return nil }
                syllable.append(letter)
                handled = true
            }
            guard handled else { return nil }
        }
        return syllable.result()
    }

    private static func lowercaseASCIILetter(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar.value {
        case 0x61...0x7A: return scalar.value
        case 0x41...0x5A: return scalar.value + 0x20
        default: return nil
        }
    }
}
