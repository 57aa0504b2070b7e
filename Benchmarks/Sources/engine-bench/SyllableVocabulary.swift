/// A deterministic Vietnamese-like syllable vocabulary: onset + nucleus + coda + tone, each with its
/// unmarked (no diacritics, đ→d) spelling, ranked so that rank r is drawn with Zipf weight 1/(r+1).
struct SyllableVocabulary {
    struct Syllable {
        var marked: String
        var unmarked: String
    }

    let syllables: [Syllable]
    /// Cumulative Zipf weights, for sampling by binary search.
    private let cumulative: [Double]

    private static let onsets = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng",
                                 "nh", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
    private static let nuclei = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "iê", "uô", "ươ",
                                 "oa", "oe", "uy", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "iu", "oi",
                                 "ôi", "ơi", "ui", "ưi", "ưu", "ia", "ua", "ưa"]
    private static let codas = ["", "", "", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
    /// Base vowel → its six tone forms (level, acute, grave, hook, tilde, dot).
    private static let toned: [Character: [Character]] = [
        "a": ["a", "á", "à", "ả", "ã", "ạ"], "ă": ["ă", "ắ", "ằ", "ẳ", "ẵ", "ặ"], "â": ["â", "ấ", "ầ", "ẩ", "ẫ", "ậ"],
        "e": ["e", "é", "è", "ẻ", "ẽ", "ẹ"], "ê": ["ê", "ế", "ề", "ể", "ễ", "ệ"], "i": ["i", "í", "ì", "ỉ", "ĩ", "ị"],
        "o": ["o", "ó", "ò", "ỏ", "õ", "ọ"], "ô": ["ô", "ố", "ồ", "ổ", "ỗ", "ộ"], "ơ": ["ơ", "ớ", "ờ", "ở", "ỡ", "ợ"],
        "u": ["u", "ú", "ù", "ủ", "ũ", "ụ"], "ư": ["ư", "ứ", "ừ", "ử", "ữ", "ự"], "y": ["y", "ý", "ỳ", "ỷ", "ỹ", "ỵ"],
    ]
    private static let plain: [Character: Character] = ["ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u", "đ": "d"]

    init(size: Int, random: inout SplitMix64) {
        var seen = Set<String>()
        var list: [Syllable] = []
        var attempts = 0
        while list.count < size && attempts < size * 50 {
            attempts += 1
            let onset = Self.onsets[random.next(below: Self.onsets.count)]
            let nucleus = Self.nuclei[random.next(below: Self.nuclei.count)]
            let closed = nucleus.count == 2 && "iouy".contains(nucleus.last ?? "a") && !["uy", "iu"].contains(nucleus)
            let coda = closed || nucleus.hasSuffix("a") && nucleus.count == 2 ? "" : Self.codas[random.next(below: Self.codas.count)]
            let tone = coda.hasSuffix("c") || coda.hasSuffix("p") || coda.hasSuffix("t") || coda == "ch"
                ? [1, 5][random.next(below: 2)] : random.next(below: 6)
            let syllable = Self.make(onset: onset, nucleus: nucleus, coda: coda, tone: tone)
            if seen.insert(syllable.marked).inserted { list.append(syllable) }
        }
        syllables = list
        var total = 0.0
        cumulative = list.indices.map { rank in
            total += 1 / Double(rank + 1)
            return total
        }
    }

    private static func make(onset: String, nucleus: String, coda: String, tone: Int) -> Syllable {
        var letters = Array(nucleus)
        // The tone goes on the marked vowel (last one wins), else on the last vowel when the syllable is closed
        // or the nucleus is oa/oe/uy, else on the first.
        var target = letters.lastIndex { "ăâêôơư".contains($0) }
            ?? (!coda.isEmpty || ["oa", "oe", "uy", "iê", "uô"].contains(nucleus) ? letters.count - 1 : 0)
        if target >= letters.count { target = 0 }
        if let forms = toned[letters[target]] { letters[target] = forms[tone] }
        let marked = onset + String(letters) + coda
        let unmarked = String((onset + nucleus + coda).map { plain[$0] ?? $0 })
        return Syllable(marked: marked, unmarked: unmarked)
    }

    /// A rank drawn from the Zipf distribution.
    func sampleRank(_ random: inout SplitMix64) -> Int {
        let point = random.nextUnit() * (cumulative.last ?? 1)
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < point { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// SplitMix64: small, fast, deterministic on every platform.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
