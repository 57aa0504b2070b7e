/// Generates document `i` of a deterministic news-like corpus from (seed, i) alone, so any size is a
/// prefix of a larger one: a 5–20 syllable title, often a dateline, and a 200–1,500 syllable body of
/// sentences with numbers, percentages, years and dates.
struct CorpusGenerator {
    struct GeneratedDocument {
        var id: String
        var title: String
        var body: String
        /// The body's syllable ranks in order, -1 for a number or a sentence end (for picking phrase and AND queries).
        var ranks: [Int]
    }

    let vocabulary: SyllableVocabulary
    let seed: UInt64

    init(seed: UInt64, vocabularySize: Int = 8_000) {
        self.seed = seed
        var random = SplitMix64(seed: seed)
        vocabulary = SyllableVocabulary(size: vocabularySize, random: &random)
    }

    func document(_ index: Int) -> GeneratedDocument {
        var random = SplitMix64(seed: seed &* 0x100_0000_01B3 &+ UInt64(index) &+ 1)
        var titleRanks: [Int] = []
        let title = sentence(length: 5 + random.next(below: 16), random: &random, ranks: &titleRanks, final: "")
        var body = ""
        if random.next(below: 10) < 7 {
            body += "Ngày đăng \(date(&random)) | \(random.next(below: 24)):\(twoDigits(random.next(below: 60))) | "
                + "Lượt xem: \(random.next(below: 5_000))\n"
        }
        // Lognormal-ish length: the mean of three uniforms, skewed, clamped to 200...1500.
        let spread = (random.nextUnit() + random.nextUnit() + random.nextUnit()) / 3
        let target = min(1_500, max(200, Int(200 + 1_300 * spread * spread * 1.6)))
        var ranks: [Int] = []
        ranks.reserveCapacity(target)
        var produced = 0
        while produced < target {
            let length = min(target - produced, 6 + random.next(below: 20))
            let before = ranks.count
            body += sentence(length: length, random: &random, ranks: &ranks, final: ".")
            produced += ranks.count - before
            body += random.next(below: 8) == 0 ? "\n" : " "
        }
        return GeneratedDocument(id: "d\(index)", title: title, body: body, ranks: ranks)
    }

    private func sentence(length: Int, random: inout SplitMix64, ranks: inout [Int], final: String) -> String {
        var words: [String] = []
        words.reserveCapacity(length)
        for position in 0..<length {
            let roll = random.next(below: 100)
            if roll < 2 {
                words.append(number(&random))
                ranks.append(-1)
                continue
            }
            let rank = vocabulary.sampleRank(&random)
            ranks.append(rank)
            var word = vocabulary.syllables[rank].marked
            if position == 0 || roll < 4 { word = word.prefix(1).uppercased() + word.dropFirst() }
            if position > 2 && position < length - 1 && roll > 94 { word += "," }
            words.append(word)
        }
        if !final.isEmpty { ranks.append(-1) }
        return words.joined(separator: " ") + final
    }

    private func number(_ random: inout SplitMix64) -> String {
        switch random.next(below: 4) {
        case 0: return "\(random.next(below: 1_000))"
        case 1: return "\(random.next(below: 100)),\(random.next(below: 10))%"
        case 2: return "\(1_945 + random.next(below: 81))"
        default: return date(&random)
        }
    }

    private func date(_ random: inout SplitMix64) -> String {
        "\(twoDigits(1 + random.next(below: 28)))/\(twoDigits(1 + random.next(below: 12)))/\(2_000 + random.next(below: 26))"
    }

    private func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
