import Foundation

/// Benchmark queries by class, each in an accented and an unmarked variant.
struct BenchmarkQuery {
    var queryClass: String
    var accented: String
    var unmarked: String
}

enum QuerySet {
    static let classes = ["t1", "or2", "and2", "multi", "phrase"]

    /// `perClass` queries per class drawn from documents `0..<documentCount` of `generator`'s corpus, cycling
    /// through frequent (rank < 50), mid (< 1,000) and rare terms.
    static func generate(_ generator: CorpusGenerator, documentCount: Int, perClass: Int) -> [BenchmarkQuery] {
        var random = SplitMix64(seed: generator.seed ^ 0x5155_4552_59)
        let syllables = generator.vocabulary.syllables
        func band(_ index: Int) -> Range<Int> {
            [0..<50, 50..<1_000, 1_000..<syllables.count][index % 3]
        }
        func pick(_ ranks: [Int], band: Range<Int>, random: inout SplitMix64) -> Int {
            let inBand = ranks.filter { band.contains($0) }
            let pool = inBand.isEmpty ? ranks.filter { $0 >= 0 } : inBand
            return pool[random.next(below: pool.count)]
        }
        func render(_ ranks: [Int], _ separator: String, quoted: Bool = false) -> (String, String) {
            let marked = ranks.map { syllables[$0].marked }.joined(separator: separator)
            let plain = ranks.map { syllables[$0].unmarked }.joined(separator: separator)
            return quoted ? ("\"\(marked)\"", "\"\(plain)\"") : (marked, plain)
        }
        var queries: [BenchmarkQuery] = []
        for queryClass in classes {
            for index in 0..<perClass {
                let document = generator.document(random.next(below: documentCount))
                let ranks = document.ranks
                var terms: [Int] = []
                var text: (String, String)
                switch queryClass {
                case "t1":
                    terms = [pick(ranks, band: band(index), random: &random)]
                    text = render(terms, " ")
                case "or2", "and2":
                    // OR terms come from two documents, AND terms from one (so it matches something).
                    let other = queryClass == "or2" ? generator.document(random.next(below: documentCount)).ranks : ranks
                    terms = [pick(ranks, band: band(index), random: &random),
                             pick(other, band: band(index + 1), random: &random)]
                    text = render(terms, queryClass == "or2" ? " OR " : " AND ")
                case "multi":
                    for slot in 0..<(3 + random.next(below: 2)) {
                        terms.append(pick(ranks, band: band(index + slot), random: &random))
                    }
                    text = render(terms, " OR ")
                default:
                    let length = 2 + random.next(below: 2)
                    var start = random.next(below: max(1, ranks.count - length))
                    while start + length <= ranks.count, ranks[start..<(start + length)].contains(-1) { start += 1 }
                    guard start + length <= ranks.count else { continue }
                    terms = Array(ranks[start..<(start + length)])
                    text = render(terms, " ", quoted: true)
                }
                queries.append(BenchmarkQuery(queryClass: queryClass, accented: text.0, unmarked: text.1))
            }
        }
        return queries
    }

    /// Reads the shared harness's queries.jsonl (`class`, `text`, `text_nodiacritics`).
    static func load(jsonl path: String) throws -> [BenchmarkQuery] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var queries: [BenchmarkQuery] = []
        for (number, line) in text.split(separator: "\n").enumerated() where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let queryClass = object["class"] as? String, let accented = object["text"] as? String else {
                throw BenchmarkError(description: "\(path):\(number + 1): expected an object with class and text")
            }
            queries.append(BenchmarkQuery(queryClass: queryClass, accented: accented,
                                          unmarked: object["text_nodiacritics"] as? String ?? accented))
        }
        return queries
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
}
