import Foundation
import XCTest
@testable import VietSearch
import VietSearchTestSupport

final class ScoringTests: FacadeTestCase {
    /// Two documents, scores worked out by hand from the formula in the README.
    func testScoresMatchHandComputedBM25() throws {
        try forEachStore { index, store in
            try self.index([Document(id: "d1", title: "mot hai", body: "mot ba ba"),
                            Document(id: "d2", title: "ba", body: "hai")], into: index)
            // "mot": N = 2; title n = 1, avgdl = (2 + 1) / 2; body n = 1, avgdl = (3 + 1) / 2.
            let idf = log(1 + (2 - 1 + 0.5) / (1 + 0.5))
            let title = 2 * idf * 1 / (1 + 1.2 * (1 - 0.75 + 0.75 * 2 / 1.5))
            let body = 1 * idf * 1 / (1 + 1.2 * (1 - 0.75 + 0.75 * 3 / 2.0))
            let results = try index.searcher().search("mot")
            XCTAssertEqual(results.map(\.id), ["d1"], store)
            XCTAssertEqual(results[0].score, title + body, accuracy: 1e-12, store)

            // "ba": title n = 1 (d2, dl 1), body n = 1 (d1, dl 3, tf 2).
            let baTitle = 2 * idf * 1 / (1 + 1.2 * (1 - 0.75 + 0.75 * 1 / 1.5))
            let baBody = 1 * idf * 2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 3 / 2.0))
            let ba = try index.searcher().search("ba")
            XCTAssertEqual(ba.map(\.id), ["d2", "d1"], store)
            XCTAssertEqual(ba[0].score, baTitle, accuracy: 1e-12, store)
            XCTAssertEqual(ba[1].score, baBody, accuracy: 1e-12, store)

            // Phrase "mot ba" in body of d1: tf 1, idf = idf(mot) + idf(ba), same n = 1 each.
            let phrase = try index.searcher().search("\"mot ba\"")
            XCTAssertEqual(phrase.map(\.id), ["d1"], store)
            XCTAssertEqual(phrase[0].score, 2 * idf / (1 + 1.2 * (1 - 0.75 + 0.75 * 3 / 2.0)), accuracy: 1e-12, store)

            // k1 and b are honoured.
            var options = SearchOptions()
            options.k1 = 2
            options.b = 0
            let tuned = try index.searcher().search("mot", options: options)
            XCTAssertEqual(tuned[0].score, 2 * idf / 3 + idf / 3, accuracy: 1e-12, store)
        }
    }

    func testMultiSegmentIndexScoresLikeASingleSegment() throws {
        let documents = RandomCorpus(seed: 11).documents(count: 60)
        let single = Index.inMemory()
        try index(documents, into: single)
        XCTAssertEqual(try single.statistics().segments, 1)
        var configuration = IndexConfiguration(memoryBudget: 2_000)
        configuration.mergePolicy = nil  // keep every flushed segment: the point is many segments
        try forEachStore(configuration: configuration) { many, store in
            // Several commits and several flushes per commit.
            try self.index(Array(documents[0..<25]), into: many)
            try self.index(Array(documents[25...]), into: many)
            XCTAssertGreaterThan(try many.statistics().segments, 3, store)
            for query in ["an binh", "\"cuong dung\"", "an AND giang", "hai* -binh", "title:khanh OR body:an"] {
                let options = SearchOptions(limit: 100, explain: true)
                let expected = try single.searcher().search(query, options: options)
                let actual = try many.searcher().search(query, options: options)
                XCTAssertEqual(actual.totalHits, expected.totalHits, "\(store) \(query)")
                XCTAssertEqual(actual.map(\.id), expected.map(\.id), "\(store) \(query)")
                for (a, e) in zip(actual, expected) {
                    XCTAssertEqual(a.score, e.score, accuracy: 1e-12 * max(1, e.score), "\(store) \(query)")
                    // The explanation shows the same global statistics whatever the segmentation.
                    let mine = a.explanation?.components ?? [], theirs = e.explanation?.components ?? []
                    XCTAssertEqual(mine.map(\.key), theirs.map(\.key), "\(store) \(query)")
                    XCTAssertEqual(mine.map(\.idf), theirs.map(\.idf), "\(store) \(query)")
                    XCTAssertEqual(mine.map(\.avgdl), theirs.map(\.avgdl), "\(store) \(query)")
                    XCTAssertEqual(mine.map(\.dl), theirs.map(\.dl), "\(store) \(query)")
                    XCTAssertEqual(mine.map(\.tf), theirs.map(\.tf), "\(store) \(query)")
                    XCTAssertEqual(mine.reduce(0) { $0 + $1.score }, a.score, accuracy: 1e-9, "\(store) \(query)")
                }
            }
        }
    }

    /// Top-k from the engine against an independent exhaustive scoring of every document.
    func testTopKMatchesExhaustiveScoring() throws {
        let corpus = RandomCorpus(seed: 5)
        let documents = corpus.documents(count: 150)
        let index = Index.inMemory(memoryBudget: 5_000)
        try self.index(documents, into: index)
        let reference = ReferenceBM25(documents: documents)
        var generator = SeededGenerator(seed: 99)
        for round in 0..<40 {
            // Every fourth round has more clauses than the linear disjunction takes (the heap path).
            let wordCount = round % 4 == 3 ? 12 : Int.random(in: 1...3, using: &generator)
            let words = (0..<wordCount).map { _ in corpus.randomWord(&generator) }
            let mode: BooleanOperator = round % 2 == 0 ? .or : .and
            let limit = [1, 3, 10][round % 3]
            let expected = reference.ranked(words, requireAll: mode == .and)
            var options = SearchOptions(limit: limit, defaultOperator: mode)
            options.scoring = .bm25  // the v1 formula the reference implements
            let results = try index.searcher().search(words.joined(separator: " "), options: options)
            XCTAssertEqual(results.totalHits, expected.count, "\(words) \(mode)")
            XCTAssertEqual(results.map(\.id), expected.prefix(limit).map(\.id), "\(words) \(mode)")
            for (hit, want) in zip(results, expected) {
                XCTAssertEqual(hit.score, want.score, accuracy: 1e-9 * max(1, want.score), "\(words)")
            }
        }
    }

    /// A prefix expanding past the 256-key limit, over many segments, against the reference: per field,
    /// the first 256 keys in byte order of the union over segments, each scored as a term.
    func testWidePrefixMatchesReferenceOverSegments() throws {
        var generator = SeededGenerator(seed: 21)
        let words = (0..<400).map { String(format: "w%03d", $0) }
        let documents = (0..<120).map { number -> Document in
            let title = (0..<3).map { _ in words[Int.random(in: 0..<400, using: &generator)] }
            let body = (0..<12).map { _ in words[Int.random(in: 0..<400, using: &generator)] }
            return Document(id: "p\(number)", title: title.joined(separator: " "), body: body.joined(separator: " "))
        }
        let index = Index.inMemory(memoryBudget: 6_000)
        try self.index(documents, into: index)
        XCTAssertGreaterThan(try index.statistics().segments, 3)
        let reference = ReferenceBM25(documents: documents)
        for prefix in ["w", "w1", "w39"] {
            let expected = reference.rankedPrefix(prefix, limit: 256)
            let results = try index.searcher().search(prefix + "*", options: SearchOptions(limit: 15))
            XCTAssertEqual(results.totalHits, expected.count, prefix)
            XCTAssertEqual(results.map(\.id), expected.prefix(15).map(\.id), prefix)
            for (hit, want) in zip(results, expected) {
                XCTAssertEqual(hit.score, want.score, accuracy: 1e-9 * max(1, want.score), prefix)
            }
        }
        // 16 full prefixes (2 fields × 256 keys each) are the most one query may expand.
        let oneSegment = Index.inMemory()
        try self.index(documents, into: oneSegment)
        let seventeen = Array(repeating: "w*", count: 17).joined(separator: " ")
        XCTAssertThrowsError(try oneSegment.searcher().search(seventeen)) { error in
            guard case .limitExceeded(let message) = error as? VietSearchError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("prefix"), message)
        }
    }
}

extension Index {
    /// An in-memory index with a small buffer, so tests get several segments.
    /// An in-memory index that keeps every flushed segment (no merge policy): the tests using it are about
    /// statistics and scoring across many segments.
    static func inMemory(memoryBudget: Int) -> Index {
        var configuration = IndexConfiguration(memoryBudget: memoryBudget)
        configuration.mergePolicy = nil
        return Index.inMemory(configuration: configuration)
    }
}

/// Documents made of a small ASCII vocabulary (so exact and folded keys are the word itself).
struct RandomCorpus {
    static let vocabulary = ["an", "binh", "cuong", "dung", "giang", "hai", "hanh", "khanh", "lan", "minh", "nam"]
    let seed: UInt64

    init(seed: UInt64) { self.seed = seed }

    func randomWord(_ generator: inout SeededGenerator) -> String {
        // Skewed: early words are common, late ones rare.
        let a = Int.random(in: 0..<Self.vocabulary.count, using: &generator)
        let b = Int.random(in: 0..<Self.vocabulary.count, using: &generator)
        return Self.vocabulary[min(a, b)]
    }

    func documents(count: Int) -> [Document] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { number in
            let title = (0..<Int.random(in: 0...4, using: &generator)).map { _ in randomWord(&generator) }
            let body = (0..<Int.random(in: 0...20, using: &generator)).map { _ in randomWord(&generator) }
            return Document(id: "doc\(number)", title: title.joined(separator: " "), body: body.joined(separator: " "))
        }
    }
}

/// BM25 straight from the README formula over whitespace-split words, with no index at all.
struct ReferenceBM25 {
    let documents: [Document]
    let fields: [(name: String, boost: Double)] = [("title", 2), ("body", 1)]

    func ranked(_ words: [String], requireAll: Bool) -> [(id: String, score: Double)] {
        let split = documents.map { document in
            fields.map { field in (document[field.name] ?? "").split(separator: " ").map(String.init) }
        }
        let total = Double(documents.count)
        let avgdl = fields.indices.map { fieldIndex in Double(split.reduce(0) { $0 + $1[fieldIndex].count }) / total }
        var frequency: [Int: [String: Double]] = [:]
        for fieldIndex in fields.indices {
            for words in split { for key in Set(words[fieldIndex]) { frequency[fieldIndex, default: [:]][key, default: 0] += 1 } }
        }
        var scored: [(id: String, score: Double, order: Int)] = []
        for (order, document) in documents.enumerated() {
            var score = 0.0
            var matched = 0
            for word in words {
                var wordMatched = false
                for (fieldIndex, field) in fields.enumerated() {
                    let tf = Double(split[order][fieldIndex].filter { $0 == word }.count)
                    guard tf > 0 else { continue }
                    wordMatched = true
                    let n = frequency[fieldIndex]?[word] ?? 0
                    let dl = Double(split[order][fieldIndex].count)
                    let idf = log(1 + (total - n + 0.5) / (n + 0.5))
                    score += field.boost * idf * tf / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl[fieldIndex]))
                }
                if wordMatched { matched += 1 }
            }
            if requireAll ? matched == words.count : matched > 0 {
                scored.append((document.id, score, order))
            }
        }
        return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.order < $1.order }
            .map { ($0.id, $0.score) }
    }

    /// Documents scored over, per field, the first `limit` distinct words of that field starting with `prefix`.
    func rankedPrefix(_ prefix: String, limit: Int) -> [(id: String, score: Double)] {
        let split = documents.map { document in
            fields.map { field in (document[field.name] ?? "").split(separator: " ").map(String.init) }
        }
        let total = Double(documents.count)
        let keysPerField = fields.indices.map { fieldIndex in
            Set(split.flatMap { $0[fieldIndex] }.filter { $0.hasPrefix(prefix) })
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.prefix(limit)
        }
        // Document frequency of each (field, key), counted once.
        var frequency: [Int: [String: Double]] = [:]
        for fieldIndex in fields.indices {
            for words in split { for key in Set(words[fieldIndex]) { frequency[fieldIndex, default: [:]][key, default: 0] += 1 } }
        }
        var scored: [(id: String, score: Double, order: Int)] = []
        for (order, document) in documents.enumerated() {
            var score = 0.0
            var matched = false
            for (fieldIndex, field) in fields.enumerated() {
                let avgdl = Double(split.reduce(0) { $0 + $1[fieldIndex].count }) / total
                let dl = Double(split[order][fieldIndex].count)
                for key in keysPerField[fieldIndex] {
                    let tf = Double(split[order][fieldIndex].filter { $0 == key }.count)
                    guard tf > 0 else { continue }
                    matched = true
                    let n = frequency[fieldIndex]?[key] ?? 0
                    let idf = log(1 + (total - n + 0.5) / (n + 0.5))
                    score += field.boost * idf * tf / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl))
                }
            }
            if matched { scored.append((document.id, score, order)) }
        }
        return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.order < $1.order }
            .map { ($0.id, $0.score) }
    }
}
