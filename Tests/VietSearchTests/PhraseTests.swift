import Foundation
import XCTest
@testable import VietSearch
import VietSearchTestSupport

/// Phrase frequency and scoring against a brute-force definition: tf = number of positions p of the
/// first word from which the other words can be found in order with (last − p) − (k − 1) ≤ slop.
final class PhraseTests: FacadeTestCase {
    private static let vocabulary = ["an", "binh", "cuong"]

    private static func bruteForceFrequency(_ words: [String], phrase: [String], slop: Int) -> Int {
        func reach(_ index: Int, after previous: Int, start: Int) -> Bool {
            if index == phrase.count { return (previous - start) - (phrase.count - 1) <= slop }
            // A chain reaching past start + (k − 1) + slop cannot end within the slop.
            let end = min(words.count, start + phrase.count + slop)
            for position in (previous + 1)..<max(previous + 1, end) where words[position] == phrase[index] {
                if reach(index + 1, after: position, start: start) { return true }
            }
            return false
        }
        return words.indices.filter { words[$0] == phrase[0] && reach(1, after: $0, start: $0) }.count
    }

    func testPhraseFrequencyAndScoreMatchBruteForce() throws {
        try checkAgainstBruteForce(seed: 8, documentCount: 60, maximumLength: 15,
                                   phrases: [["an", "binh"], ["binh", "binh"], ["an", "binh", "cuong"], ["cuong", "an", "an"]])
    }

    /// Long documents: many positions per key (the rarest key on a document leads, the others filter its
    /// starts), four-word phrases with repeated words, documents skipped between candidates.
    func testLongDocumentPhrasesMatchBruteForce() throws {
        try checkAgainstBruteForce(seed: 9, documentCount: 40, maximumLength: 400,
                                   phrases: [["binh", "an", "binh", "cuong"], ["cuong", "cuong"], ["an", "an", "binh"]])
    }

    private func checkAgainstBruteForce(seed: UInt64, documentCount: Int, maximumLength: Int,
                                        phrases: [[String]]) throws {
        var generator = SeededGenerator(seed: seed)
        let documents = (0..<documentCount).map { number -> Document in
            let body = (0..<Int.random(in: 0...maximumLength, using: &generator)).map { _ in
                Self.vocabulary[Int.random(in: 0..<Self.vocabulary.count, using: &generator)]
            }
            return Document(id: "ph\(number)", fields: [("body", body.joined(separator: " "))])
        }
        let index = Index.inMemory(memoryBudget: 3_000)
        try self.index(documents, into: index)
        let bodies = documents.map { ($0["body"] ?? "").split(separator: " ").map(String.init) }
        let total = Double(documents.count)
        let avgdl = Double(bodies.reduce(0) { $0 + $1.count }) / total
        var options = SearchOptions(limit: 100)
        options.fields = [FieldBoost(field: "body", boost: 1)]
        for phrase in phrases {
            for slop in [0, 1, 3] {
                let idf = phrase.reduce(0.0) { sum, word in
                    let n = Double(bodies.filter { $0.contains(word) }.count)
                    return sum + log(1 + (total - n + 0.5) / (n + 0.5))
                }
                var expected: [(id: String, score: Double)] = []
                for (number, words) in bodies.enumerated() {
                    let tf = Double(Self.bruteForceFrequency(words, phrase: phrase, slop: slop))
                    guard tf > 0 else { continue }
                    let dl = Double(words.count)
                    expected.append((documents[number].id, idf * tf / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl))))
                }
                expected = expected.enumerated().sorted { lhs, rhs in
                    lhs.element.score != rhs.element.score ? lhs.element.score > rhs.element.score : lhs.offset < rhs.offset
                }.map(\.element)
                let query = "\"" + phrase.joined(separator: " ") + "\"" + (slop > 0 ? "~\(slop)" : "")
                let results = try index.searcher().search(query, options: options)
                XCTAssertEqual(results.map(\.id), expected.map(\.id), query)
                for (hit, want) in zip(results, expected) {
                    XCTAssertEqual(hit.score, want.score, accuracy: 1e-12, query)
                }
            }
        }
    }
}
