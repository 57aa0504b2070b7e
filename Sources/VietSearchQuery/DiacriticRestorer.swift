#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VietSearchAnalysis

/// Restores the marks of a query typed without them, from the index's own statistics (README "Ranking",
/// diacritic restoration): `dang vien` → `đảng viên`, `xay dung dang` → `xây dựng đảng`.
///
/// Each bare ASCII syllable's candidates are the exact keys of the index that fold to it (the most frequent
/// `maxCandidates`); a token typed with marks keeps them. The chosen spelling maximises an interpolated
/// pair model (Viterbi) with `P(c|f) = df(c) / Σ df(spellings of f)` and pair probabilities interpolated
/// with it (`jointProbabilities`), where `pairs` counts documents holding the adjacent exact pair (a phrase
/// count over positions). One document with `xây dựng đảng` is enough
/// to prefer `đảng` after `xây dựng`; with no pair evidence the most frequent spelling wins.
struct DiacriticRestorer {
    /// Candidates kept per token (the most frequent spellings).
    static let maxCandidates = 6
    /// Interpolation weight of the unigrams in a pair's probability.
    static let kappa = 1.0
    /// Characters of the query syntax: queries with them are not rewritten.
    static let syntax: Set<Character> = ["\"", "“", "”", ":", "(", ")", "*", "~", "^", "+", "-"]

    var vocabulary: IndexVocabulary
    /// Documents where the exact keys occur adjacent, in that order.
    var pairCount: ([[UInt8]]) throws -> Int

    private struct Slot {
        var token: Token
        /// (spelling, P(spelling | folded)); one entry, probability 1, when the token is kept as typed.
        var candidates: [(text: String, probability: Double)]
        var restorable: Bool
    }

    /// The query with restored marks, or nil when nothing would change or the query uses syntax.
    mutating func restore(_ query: String) throws -> String? {
        guard Self.mayRestore(query) else { return nil }
        return try restoreTokens(query)
    }

    /// `restore` for a query that passed `mayRestore` (the engine tests it before building a restorer).
    mutating func restoreTokens(_ query: String) throws -> String? {
        let tokens = VietnameseAnalyzer().analyze(query).tokens.filter { !$0.isJoinedForm }
        guard !tokens.isEmpty, tokens.count <= 12 else { return nil }
        var slots: [Slot] = []
        for token in tokens {
            slots.append(try slot(for: token))
        }
        guard slots.contains(where: \.restorable) else { return nil }
        let chosen = try viterbi(slots)
        var output = Array(query.utf8)
        var changed = false
        for (slot, choice) in zip(slots, chosen).reversed() where slot.restorable {
            let original = String(decoding: output[slot.token.start..<slot.token.end], as: UTF8.self)
            guard choice != original.lowercased() else { continue }
            output.replaceSubrange(slot.token.start..<slot.token.end, with: Array(Self.matchCase(choice, like: original).utf8))
            changed = true
        }
        return changed ? String(decoding: output, as: UTF8.self) : nil
    }

    /// False when `restore` returns nil without looking at the index: no bare word, syntax, or an operator
    /// word (`a OR b`, `x AND y`: every query of the harness's or2/and2/multi classes). Tested before the
    /// restorer and its vocabulary are built (they and the word split cost ~16k instructions a query).
    static func mayRestore(_ query: String) -> Bool {
        mayHaveBareWord(query) && !usesSyntax(query) && !hasOperatorWord(query)
    }

    /// True when a character of `query` is one of `syntax`. Every syntax character is one scalar, so a
    /// query without any of those scalars (nearly all) is answered by a scalar scan; the others by the
    /// character test (a syntax scalar followed by a combining mark is another character).
    static func usesSyntax(_ query: String) -> Bool {
        guard query.unicodeScalars.contains(where: { isSyntaxScalar($0.value) }) else { return false }
        return query.contains(where: { syntax.contains($0) })
    }

    private static let syntaxScalars: [UInt32] = syntax.flatMap { $0.unicodeScalars.map(\.value) }
    /// The ASCII syntax scalars as bits (low word 0–63, high word 64–127): one test a scalar instead of a
    /// scan of `syntaxScalars`.
    private static let asciiSyntaxBits: (low: UInt64, high: UInt64) = syntaxScalars.reduce((0, 0)) { bits, value in
        value < 64 ? (bits.0 | 1 << value, bits.1) : value < 128 ? (bits.0, bits.1 | 1 << (value - 64)) : bits
    }

    private static func isSyntaxScalar(_ value: UInt32) -> Bool {
        if value < 64 { return asciiSyntaxBits.low >> value & 1 == 1 }
        if value < 128 { return asciiSyntaxBits.high >> (value - 64) & 1 == 1 }
        return nonASCIISyntaxScalars.contains(value)
    }

    private static let nonASCIISyntaxScalars = syntaxScalars.filter { $0 >= 128 }

    /// False when no token of `query` can be a word typed without marks, so restoring cannot change it
    /// (and the query is not analysed at all): every run of ASCII letters touches a marked Vietnamese
    /// letter (`ễ`, `Đ`) and so belongs to a token with a non-ASCII letter. Runs end at any other scalar,
    /// where tokens end too; any other non-ASCII letter or mark (which cleaning might fold to ASCII) keeps
    /// the query restorable, as does a run of ASCII letters alone (`nguyen`, the `vn` of `vn2đ`).
    static func mayHaveBareWord(_ query: String) -> Bool {
        var inRun = false
        var bare = false
        for scalar in query.unicodeScalars {
            let value = scalar.value
            if (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A {
                if !inRun { inRun = true; bare = true }
            } else if value >= 0x80 && VietnameseLetters.isMarked(scalar) {
                inRun = true
                bare = false
            } else {
                if inRun && bare { return true }
                inRun = false
                if value >= 0x80 && (scalar.properties.isAlphabetic || scalar.properties.generalCategory == .nonspacingMark) {
                    return true
                }
            }
        }
        return inRun && bare
    }

    private mutating func slot(for token: Token) throws -> Slot {
        let kept = Slot(token: token, candidates: [(token.exact, 1)], restorable: false)
        guard !token.hasNonASCIILetter else { return kept }
        let spellings = try vocabulary.spellings(folded: token.folded, compatibleWith: nil,
                                                 fold: VietnameseQueryExpander.fold)
        let total = Double(spellings.reduce(0) { $0 + $1.frequency })
        guard total > 0 else { return kept }
        let best = spellings.prefix(Self.maxCandidates).map { ($0.key, Double($0.frequency) / total) }
        return Slot(token: token, candidates: best, restorable: true)
    }

    /// The most likely spelling of every slot: a first-order chain scored by its adjacent pairs,
    /// `P(c₁…cₙ) = Π J(cᵢ, cᵢ₊₁) / Π_{1<i<n} U(cᵢ)`, so evidence flows both ways (`viên` picks `đảng`).
    private func viterbi(_ slots: [Slot]) throws -> [String] {
        guard slots.count > 1 else {
            let best = slots[0].candidates.indices.max { slots[0].candidates[$0].probability < slots[0].candidates[$1].probability }
            return [slots[0].candidates[best ?? 0].text]
        }
        var scores = Array(repeating: 0.0, count: slots[0].candidates.count)
        var back: [[Int]] = [Array(repeating: 0, count: scores.count)]
        for index in slots.indices.dropFirst() {
            let previous = slots[index - 1], current = slots[index]
            let joint = try jointProbabilities(previous, current)
            var next = Array(repeating: -Double.infinity, count: current.candidates.count)
            var from = Array(repeating: 0, count: current.candidates.count)
            for (a, left) in previous.candidates.enumerated() {
                // The middle token's own probability is counted in both of its pairs: divide it out once.
                let shared = index > 1 ? log(left.probability) : 0
                for b in current.candidates.indices {
                    let score = scores[a] + log(joint[a][b]) - shared
                    if score > next[b] { next[b] = score; from[b] = a }
                }
            }
            scores = next
            back.append(from)
        }
        var best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
        var chosen = Array(repeating: "", count: slots.count)
        for index in stride(from: slots.count - 1, through: 0, by: -1) {
            chosen[index] = slots[index].candidates[best].text
            best = back[index][best]
        }
        return chosen
    }

    /// `J(a, b) = (pairs(a b) + κ·P(a|f)·P(b|f)) / (Σ pairs + κ)` over the two slots' candidates.
    private func jointProbabilities(_ left: Slot, _ right: Slot) throws -> [[Double]] {
        var counts: [[Double]] = []
        for a in left.candidates {
            let key = TermKeys.exact(a.text)
            counts.append(try right.candidates.map { try Double(pairCount([key, TermKeys.exact($0.text)])) })
        }
        let total = counts.joined().reduce(0, +)
        return left.candidates.indices.map { a in
            right.candidates.indices.map { b in
                (counts[a][b] + Self.kappa * left.candidates[a].probability * right.candidates[b].probability)
                    / (total + Self.kappa)
            }
        }
    }

    /// `text` with its first letter capitalised when `original` starts with a capital (all caps stay all caps).
    private static func matchCase(_ text: String, like original: String) -> String {
        guard let first = original.first, first.isUppercase else { return text }
        if original.count > 1, original == original.uppercased() { return text.uppercased() }
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}
