import Foundation
@testable import VietSearch

/// A judged query set (Fixtures/relevance, made by Benchmarks/relevance/make_queries.py) and the
/// standard metrics over it: MRR@10, nDCG@10 (binary gains), recall@10, averaged per query class.
struct RelevanceSet {
    struct Query {
        var id: String
        var queryClass: String
        var text: String
        var relevant: Set<String>
    }

    struct Scores {
        var mrr = 0.0, ndcg = 0.0, recall = 0.0, count = 0
    }

    var documents: [Document]
    var queries: [Query]

    /// Reads `docs.jsonl` and `queries.jsonl` from `directory`.
    init(directory: URL) throws {
        documents = try Self.lines(directory.appendingPathComponent("docs.jsonl")).map { object in
            Document(id: object["id"] as? String ?? "", title: object["title"] as? String ?? "",
                     body: object["body"] as? String ?? "")
        }
        queries = try Self.lines(directory.appendingPathComponent("queries.jsonl")).map { object in
            Query(id: object["qid"] as? String ?? "", queryClass: object["class"] as? String ?? "",
                  text: object["query"] as? String ?? "", relevant: Set(object["relevant"] as? [String] ?? []))
        }
    }

    /// The package's Fixtures/relevance directory.
    static var fixtureDirectory: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("Fixtures/relevance")
    }

    /// Mean scores per class of `ranked(query)` (the ids returned, best first).
    func evaluate(_ ranked: (String) throws -> [String]) rethrows -> [String: Scores] {
        var perClass: [String: Scores] = [:]
        for query in queries {
            let ids = Array(try ranked(query.text).prefix(10))
            var scores = perClass[query.queryClass] ?? Scores()
            if let rank = ids.firstIndex(where: query.relevant.contains) { scores.mrr += 1 / Double(rank + 1) }
            var dcg = 0.0
            for (rank, id) in ids.enumerated() where query.relevant.contains(id) { dcg += 1 / log2(Double(rank + 2)) }
            let ideal = (0..<min(10, query.relevant.count)).reduce(0.0) { $0 + 1 / log2(Double($1 + 2)) }
            scores.ndcg += ideal > 0 ? dcg / ideal : 0
            scores.recall += query.relevant.isEmpty ? 0
                : Double(ids.filter(query.relevant.contains).count) / Double(min(10, query.relevant.count))
            scores.count += 1
            perClass[query.queryClass] = scores
        }
        return perClass.mapValues { total in
            let n = Double(max(1, total.count))
            return Scores(mrr: total.mrr / n, ndcg: total.ndcg / n, recall: total.recall / n, count: total.count)
        }
    }

    private static func lines(_ url: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { number, line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw VietSearchError.invalidInput(source: url.path, line: number + 1, message: "not a JSON object")
            }
            return object
        }
    }
}
