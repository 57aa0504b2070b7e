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

    /// Cleans UTF-8 text. The result never has more scalars than the input has bytes, so it is written
    /// into one buffer of that size without growing. `bytes` may be a window of a larger input that
    /// starts at byte `base` of it: offsets are recorded relative to the whole input.
    func clean(_ bytes: UnsafeBufferPointer<UInt8>, base: Int = 0) -> [CleanScalar] {
        var marks: [PendingMark] = []
        return [CleanScalar](unsafeUninitializedCapacity: bytes.count) { out, initializedCount in
            var written = 0
            var sawEth = false
            var index = 0
            let count = bytes.count
            while index < count {
                let start = index
                let (scalar, length) = UTF8Encoding.decode(bytes, at: index)
                index += length
                let kind = tables.kind(of: scalar)
                // The common case (letters, digits, spaces, punctuation) takes no data-dependent branch:
                // spaces are mapped with a conditional move.
                if kind != .invisible && kind != .mark {
                    let value: UInt32 = kind == .space ? 0x20 : scalar
                    sawEth = sawEth || scalar | 0x20 == 0xF0
                    out.initializeElement(at: written, to: CleanScalar(value: value, kind: kind, start: base + start,
                                                                        end: base + index))
                    written += 1
                    continue
                }
                guard kind == .mark else { continue }  // invisible: deleted
                marks.removeAll(keepingCapacity: true)
                marks.append(PendingMark(scalar: scalar, start: base + start, end: base + index))
                // Invisible characters inside the run are dropped here, so the run is the same one a
                // second cleaning would see (cleaning is idempotent).
                while index < count {
                    let (next, nextLength) = UTF8Encoding.decode(bytes, at: index)
                    let nextKind = tables.kind(of: next)
                    if nextKind == .invisible {
                        index += nextLength
                        continue
                    }
                    guard nextKind == .mark else { break }
                    marks.append(PendingMark(scalar: next, start: base + index, end: base + index + nextLength))
                    index += nextLength
                }
                attach(&marks, to: out, written: &written)
            }
            if sawEth { repairEth(UnsafeMutableBufferPointer(rebasing: out[0..<written])) }
            initializedCount = written
        }
    }

    /// Composes a run of combining marks onto the preceding letter. Shape marks go first (stable), because
    /// a tone typed before the shape (`e` U+0301 U+0302) must still give `ế`. Marks that do not compose
    /// stay as separate scalars, and so do all marks after the first one that fails (as NFC blocks them).
    private func attach(_ marks: inout [PendingMark], to out: UnsafeMutableBufferPointer<CleanScalar>,
                        written: inout Int) {
        if marks.count > 1, marks.contains(where: { VietnameseVowels.isShapeMark($0.scalar) }) {
            let shapes = marks.filter { VietnameseVowels.isShapeMark($0.scalar) }
            let others = marks.filter { !VietnameseVowels.isShapeMark($0.scalar) }
            marks = shapes + others
        }
        // Reordering can put a mark that came earlier in the input last: every mark left uncomposed ends
        // where the whole run ends, so a token's end offset always covers all of its marks.
        let runEnd = marks.reduce(0) { max($0, $1.end) }
        var composing = written > 0 && out[written - 1].kind == .letter
        for mark in marks {
            if composing {
                if let composed = composeOnto(out[written - 1].value, mark.scalar) {
                    out[written - 1].value = composed
                    out[written - 1].end = max(out[written - 1].end, mark.end)
                    continue
                }
                composing = false
            }
            out.initializeElement(at: written, to: CleanScalar(value: mark.scalar, kind: .mark, start: mark.start,
                                                                end: runEnd))
            written += 1
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
    ///
    /// Two linear passes: the first repair can make a word Vietnamese, so words are judged after it;
    /// the result is the same when the text is cleaned again.
    private func repairEth(_ text: UnsafeMutableBufferPointer<CleanScalar>) {
        for index in 0..<text.count where isEth(text[index].value) {
            // Digits before it do not count: `12ðo` is a typo for `12 đo` (digits glued to a word).
            let startsWord = index == 0 || !(text[index - 1].kind == .letter || text[index - 1].kind == .mark)
            if startsWord && index + 1 < text.count && isVowelLetter(text[index + 1].value) {
                text[index].value = repaired(text[index].value)
            }
        }
        var wordStart = 0
        while wordStart < text.count {
            guard text[wordStart].kind.isWordPart else {
                wordStart += 1
                continue
            }
            var wordEnd = wordStart
            var hasEth = false
            var isVietnamese = false
            while wordEnd < text.count && text[wordEnd].kind.isWordPart {
                hasEth = hasEth || isEth(text[wordEnd].value)
                isVietnamese = isVietnamese || VietnameseVowels.isDistinctlyVietnamese(text[wordEnd].value)
                wordEnd += 1
            }
            if hasEth && isVietnamese {
                for index in wordStart..<wordEnd where isEth(text[index].value) {
                    text[index].value = repaired(text[index].value)
                }
            }
            wordStart = wordEnd
        }
    }

    @inline(__always) private func isEth(_ scalar: UInt32) -> Bool { scalar == 0xD0 || scalar == 0xF0 }

    private func repaired(_ eth: UInt32) -> UInt32 { eth == 0xD0 ? 0x0110 : 0x0111 }

    private func isVowelLetter(_ scalar: UInt32) -> Bool {
        switch tables.folded(tables.lowercased(scalar)) {
        case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79: return true
        default: return false
        }
    }
}
