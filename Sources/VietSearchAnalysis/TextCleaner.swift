/// The cleaning step (VIETNAMESE.md §2): invisible characters deleted, space separators mapped to U+0020,
/// combining-mark runs reordered (shape marks before tone marks) and composed with our own tables, and
/// ETH (Ð/ð) repaired to Đ/đ in Vietnamese words. Text in other scripts passes through unchanged.
struct TextCleaner {
    let tables: AnalysisTables

    /// One combining mark waiting to be composed, with the original bytes it came from.
    private struct PendingMark {
        var scalar: UInt32
        var start: Int
        var end: Int
    }

    func clean(_ bytes: UnsafeBufferPointer<UInt8>) -> CleanedText {
        var out = CleanedText(capacity: bytes.count)
        var marks: [PendingMark] = []
        var sawEth = false
        var index = 0
        let count = bytes.count
        while index < count {
            let start = index
            let (scalar, length) = UTF8Encoding.decode(bytes, at: index)
            index += length
            let kind = tables.kind(of: scalar)
            switch kind {
            case .invisible:
                continue
            case .space:
                out.append(0x20, .space, start: start, end: index)
            case .mark:
                marks.removeAll(keepingCapacity: true)
                marks.append(PendingMark(scalar: scalar, start: start, end: index))
                while index < count {
                    let (next, nextLength) = UTF8Encoding.decode(bytes, at: index)
                    guard tables.kind(of: next) == .mark else { break }
                    marks.append(PendingMark(scalar: next, start: index, end: index + nextLength))
                    index += nextLength
                }
                attach(&marks, to: &out)
            default:
                if scalar == 0xD0 || scalar == 0xF0 { sawEth = true }
                out.append(scalar, kind, start: start, end: index)
            }
        }
        if sawEth { repairEth(&out) }
        return out
    }

    /// Composes a run of combining marks onto the preceding letter. Shape marks go first (stable), because
    /// a tone typed before the shape (`e` U+0301 U+0302) must still give `ế`. Marks that do not compose
    /// stay as separate scalars, and so do all marks after the first one that fails (as NFC blocks them).
    private func attach(_ marks: inout [PendingMark], to out: inout CleanedText) {
        if marks.count > 1, marks.contains(where: { VietnameseVowels.isShapeMark($0.scalar) }) {
            let shapes = marks.filter { VietnameseVowels.isShapeMark($0.scalar) }
            let others = marks.filter { !VietnameseVowels.isShapeMark($0.scalar) }
            marks = shapes + others
        }
        var composing = out.count > 0 && out.kinds[out.count - 1] == .letter
        for mark in marks {
            if composing {
                let last = out.count - 1
                if let composed = composeOnto(out.scalars[last], mark.scalar) {
                    out.scalars[last] = composed
                    out.ends[last] = max(out.ends[last], mark.end)
                    continue
                }
                composing = false
            }
            out.append(mark.scalar, .mark, start: mark.start, end: mark.end)
        }
    }

    /// Composes `mark` onto `letter`. A shape mark arriving after a letter that already carries a tone
    /// (`é` + U+0302, what NFC leaves of tone-before-shape input) is slid under the tone: `ế`.
    private func composeOnto(_ letter: UInt32, _ mark: UInt32) -> UInt32? {
        if let composed = tables.compose(letter, mark) { return composed }
        guard VietnameseVowels.isShapeMark(mark), let (base, tone) = tables.decompose(letter),
              VietnameseVowels.isToneMark(tone), let shaped = tables.compose(base, mark) else { return nil }
        return tables.compose(shaped, tone)
    }

    /// Mojibake puts ETH where Đ/đ belongs (`Ðảng`). Vietnamese đ only ever starts a syllable, so ETH is
    /// repaired when it starts a word and a vowel follows, or when its word holds another distinctly
    /// Vietnamese letter (`HÐND` alone stays: nothing marks it as Vietnamese). Icelandic/Faroese ð never
    /// starts a word, so those words are left as they are.
    private func repairEth(_ text: inout CleanedText) {
        for index in 0..<text.count where text.scalars[index] == 0xD0 || text.scalars[index] == 0xF0 {
            let startsWord = index == 0 || !text.kinds[index - 1].isWordPart
            let vowelFollows = index + 1 < text.count && isVowelLetter(text.scalars[index + 1])
            if (startsWord && vowelFollows) || wordIsVietnamese(around: index, in: text) {
                text.scalars[index] = text.scalars[index] == 0xD0 ? 0x0110 : 0x0111
            }
        }
    }

    private func isVowelLetter(_ scalar: UInt32) -> Bool {
        switch tables.folded(tables.lowercased(scalar)) {
        case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79: return true
        default: return false
        }
    }

    private func wordIsVietnamese(around index: Int, in text: CleanedText) -> Bool {
        var low = index
        while low > 0 && text.kinds[low - 1].isWordPart { low -= 1 }
        var high = index + 1
        while high < text.count && text.kinds[high].isWordPart { high += 1 }
        return (low..<high).contains { VietnameseVowels.isDistinctlyVietnamese(text.scalars[$0]) }
    }
}
