import Foundation
import VietSearch
import XCTest

/// BM25 golden tests: the engine must reproduce, to 1e-5 relative, the ranked hits that the independent
/// reference `Fixtures/golden/bm25_reference.py` computed from the raw text and the spec. Each corpus is
/// indexed three ways (one in-memory segment, one segment per document, on disk over two commits and
/// reopened) so the scores also prove that statistics are global, never per segment.
final class GoldenBM25Tests: XCTestCase {
    func testSeedsSingleSegment() throws {
        try check(corpus: "seeds", layout: .singleSegment)
    }

    func testSeedsSegmentPerDocument() throws {
        try check(corpus: "seeds", layout: .segmentPerDocument)
    }

    func testSeedsOnDiskReopened() throws {
        try check(corpus: "seeds", layout: .onDiskTwoCommits)
    }

    func testHandmadeSingleSegment() throws {
        try check(corpus: "handmade", layout: .singleSegment)
    }

    func testHandmadeSegmentPerDocument() throws {
        try check(corpus: "handmade", layout: .segmentPerDocument)
    }

    func testHandmadeOnDiskReopened() throws {
        try check(corpus: "handmade", layout: .onDiskTwoCommits)
    }

    /// The Swift seed-document rule must pick the same titles as the reference, or every seed score differs.
    func testSeedTitlesMatchReference() throws {
        let golden = try GoldenFile.load("seeds")
        let documents = try GoldenCorpus.seedDocuments()
        XCTAssertEqual(documents.map(\.id), golden.documents.map(\.id))
        XCTAssertEqual(documents.map { $0["title"] ?? "" }, golden.documents.map(\.title))
    }

    /// `explain` must show the reference's own terms: per matched clause and field the same idf, tf, dl,
    /// avgdl, k1, b and product, and the products must sum to the score.
    func testExplanationsMatchReference() throws {
        for name in ["handmade", "seeds"] {
            let golden = try GoldenFile.load(name)
            let documents = name == "seeds" ? try GoldenCorpus.seedDocuments() : try GoldenCorpus.handmadeDocuments()
            let searcher = try makeSearcher(documents, layout: .segmentPerDocument)
            for query in golden.queries {
                guard let options = query.options(explain: true) else {
                    XCTFail("\(name): unknown operator \(query.operator) in the golden file")
                    continue
                }
                let expectedHits = Dictionary(query.hits.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for hit in try searcher.search(query.query, options: options).hits {
                    let label = "\(name) query \(query.query) hit \(hit.id)"
                    guard let explanation = hit.explanation, let expected = expectedHits[hit.id] else {
                        XCTFail("\(label): no explanation or unexpected hit")
                        continue
                    }
                    XCTAssertEqual(explanation.components.reduce(0) { $0 + $1.score }, hit.score,
                                   accuracy: 1e-9 * hit.score, "\(label): components do not sum to the score")
                    compare(explanation.components, with: expected.components, avgdl: golden.avgdl, query: query,
                            label: label)
                }
            }
        }
    }

    // MARK: - Running one corpus

    private enum Layout: String {
        case singleSegment, segmentPerDocument, onDiskTwoCommits
    }

    private func check(corpus name: String, layout: Layout) throws {
        let golden = try GoldenFile.load(name)
        let documents = name == "seeds" ? try GoldenCorpus.seedDocuments() : try GoldenCorpus.handmadeDocuments()
        XCTAssertEqual(documents.map(\.id), golden.documents.map(\.id), "document order of \(name)")
        let searcher = try makeSearcher(documents, layout: layout)
        XCTAssertEqual(searcher.documentCount, golden.N, "\(name) \(layout)")
        for query in golden.queries {
            guard var options = query.options() else {
                XCTFail("\(name): unknown operator \(query.operator) in the golden file")
                continue
            }
            let results = try searcher.search(query.query, options: options)
            let label = "\(name) [\(layout.rawValue)] query \(query.query) k1=\(query.k1) b=\(query.b) "
                + "operator \(query.operator) fields \(query.fields.map { "\($0.field)^\($0.boost)" })"
            if !compare(results, with: query, label: label) {
                options.explain = true
                let explained = try searcher.search(query.query, options: options)
                print(Self.describe(explained, expected: query, label: label))
            }
        }
    }

    private func makeSearcher(_ documents: [Document], layout: Layout) throws -> Searcher {
        switch layout {
        case .singleSegment:
            let index = Index.inMemory()
            try add(documents, to: index)
            XCTAssertEqual(try index.statistics().segments, 1)
            return try index.searcher()
        case .segmentPerDocument:
            var configuration = IndexConfiguration(memoryBudget: 1)
            configuration.mergePolicy = nil  // the commit would merge what it flushed
            let index = Index.inMemory(configuration: configuration)
            try add(documents, to: index)
            XCTAssertGreaterThan(try index.statistics().segments, 1, "memoryBudget 1 should flush often")
            return try index.searcher()
        case .onDiskTwoCommits:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("vietsearch-golden-\(UUID().uuidString)").path
            addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
            let half = documents.count / 2
            do {
                let index = try Index.open(at: directory, configuration: IndexConfiguration(memoryBudget: 1))
                try add(Array(documents[..<half]), to: index)
                try add(Array(documents[half...]), to: index)
            }
            let reopened = try Index.open(at: directory, createIfMissing: false)
            XCTAssertGreaterThan(try reopened.statistics().segments, 1)
            return try reopened.searcher()
        }
    }

    private func add(_ documents: [Document], to index: Index) throws {
        let writer = try index.writer()
        defer { writer.close() }
        for document in documents {
            try writer.add(document)
        }
        try writer.commit()
    }

    // MARK: - Comparing

    /// True if `results` match: same hit count, each expected id scored within 1e-5 relative, ranks agree
    /// up to ties (a group of equal expected scores is compared as a set, and kept in document order).
    @discardableResult
    private func compare(_ results: SearchResults, with expected: GoldenQuery, label: String) -> Bool {
        var ok = true
        func fail(_ message: String) {
            XCTFail("\(label): \(message)")
            ok = false
        }
        if results.totalHits != expected.hits.count {
            fail("totalHits \(results.totalHits), expected \(expected.hits.count)")
        }
        let actualIDs = results.hits.map(\.id)
        if actualIDs.count != expected.hits.count || Set(actualIDs) != Set(expected.hits.map(\.id)) {
            fail("hits \(actualIDs), expected \(expected.hits.map(\.id))")
            return false
        }
        let actualScores = Dictionary(results.hits.map { ($0.id, $0.score) }, uniquingKeysWith: { first, _ in first })
        for hit in expected.hits {
            let score = actualScores[hit.id] ?? .nan
            if !(abs(score - hit.score) <= 1e-5 * abs(hit.score)) {
                fail("\(hit.id) scored \(score), expected \(hit.score)")
            }
        }
        let order = expected.documentOrder
        var start = 0
        while start < expected.hits.count {
            var end = start + 1
            while end < expected.hits.count,
                  abs(expected.hits[end].score - expected.hits[start].score) <= 1e-9 * expected.hits[start].score {
                end += 1
            }
            let expectedGroup = expected.hits[start..<end].map(\.id)
            let actualGroup = Array(actualIDs[start..<end])
            if Set(expectedGroup) != Set(actualGroup) {
                fail("ranks \(start + 1)...\(end): \(actualGroup), expected \(expectedGroup) (order \(actualIDs))")
            } else if actualGroup != actualGroup.sorted(by: { order[$0, default: 0] < order[$1, default: 0] }) {
                fail("tied hits \(actualGroup) are not in document order")
            }
            start = end
        }
        return ok
    }

    private func compare(_ actual: [ScoreComponent], with expected: [GoldenQuery.Component], avgdl: [String: Double],
                         query: GoldenQuery, label: String) {
        let order = { (field: String, idf: Double) in (field == "title" ? 0 : 1, idf) }
        let sortedActual = actual.sorted { order($0.field, $0.idf) < order($1.field, $1.idf) }
        let sortedExpected = expected.sorted { order($0.field, $0.idf) < order($1.field, $1.idf) }
        guard sortedActual.count == sortedExpected.count else {
            XCTFail("\(label): \(actual.count) components, expected \(expected.count): \(expected)")
            return
        }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300) }
        for (component, want) in zip(sortedActual, sortedExpected) {
            let matches = component.field == want.field && close(component.idf, want.idf)
                && component.tf == Double(want.tf) && component.dl == Double(want.dl)
                && close(component.avgdl, avgdl[want.field] ?? .nan) && component.k1 == query.k1
                && component.b == query.b && close(component.score, want.score)
            XCTAssertTrue(matches, "\(label): component \(component) differs from reference \(want)")
        }
    }

    private static func describe(_ results: SearchResults, expected: GoldenQuery, label: String) -> String {
        var lines = ["--- \(label)", "expected clauses: \(expected.clauses)"]
        for hit in results.hits {
            let want = expected.hits.first { $0.id == hit.id }?.score ?? .nan
            lines.append("  \(hit.id) engine \(hit.score) reference \(want)")
            for component in hit.explanation?.components ?? [] {
                lines.append("    \(component.field) \(component.keyKind):\(component.key) idf \(component.idf) "
                    + "tf \(component.tf) dl \(component.dl) avgdl \(component.avgdl) -> \(component.score)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Golden files and corpora

private struct GoldenFile: Decodable {
    struct GoldenDocument: Decodable {
        var id: String
        var title: String
    }

    var corpus: String
    var documents: [GoldenDocument]
    var N: Int
    var avgdl: [String: Double]
    var queries: [GoldenQuery]

    static func load(_ name: String) throws -> GoldenFile {
        let url = GoldenCorpus.packageRoot.appendingPathComponent("Fixtures/golden/\(name).json")
        var file = try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: url))
        let order = Dictionary(uniqueKeysWithValues: file.documents.enumerated().map { ($1.id, $0) })
        for i in file.queries.indices { file.queries[i].documentOrder = order }
        return file
    }
}

private struct GoldenQuery: Decodable {
    struct Field: Decodable {
        var field: String
        var boost: Double
    }

    struct Hit: Decodable {
        var id: String
        var score: Double
        var components: [Component]
    }

    /// One clause scored in one field of one document.
    struct Component: Decodable {
        var clause: String
        var field: String
        var idf: Double
        var tf: Int
        var dl: Int
        var score: Double
    }

    struct Clause: Decodable, CustomStringConvertible {
        struct FieldStatistics: Decodable {
            var n: [Int]
            var idf: Double
        }

        var clause: String
        var occur: String
        var kind: [String]
        var fields: [String: FieldStatistics]
        var description: String {
            let perField = fields.sorted { $0.key < $1.key }.map { "\($0.key): n \($0.value.n) idf \($0.value.idf)" }
            return "\(occur) \(clause) \(kind) " + perField.joined(separator: ", ")
        }
    }

    var query: String
    var k1: Double
    var b: Double
    /// Default operator for bare terms: "or" or "and".
    var `operator`: String
    /// Fields searched by bare terms and phrases, with their boosts.
    var fields: [Field]
    var hits: [Hit]
    var clauses: [Clause]
    /// Document id -> position in the corpus (ties are broken by it).
    var documentOrder: [String: Int] = [:]

    /// The search options this query was computed with.
    func options(explain: Bool = false) -> SearchOptions? {
        guard let defaultOperator = BooleanOperator(rawValue: self.operator) else { return nil }
        var options = SearchOptions(limit: 1000, defaultOperator: defaultOperator, explain: explain)
        options.scoring = .bm25  // the golden files hold the v1 formula; the default is now .vietnamese
        options.k1 = k1
        options.b = b
        options.fields = fields.map { FieldBoost(field: $0.field, boost: $0.boost) }
        return options
    }

    enum CodingKeys: String, CodingKey {
        case query, k1, b, `operator`, fields, hits, clauses
    }
}

private enum GoldenCorpus {
    struct FixtureError: Error, CustomStringConvertible {
        var description: String
    }

    /// The package root: the nearest directory above this file that holds Package.swift.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let manager = FileManager.default
        while url.path != "/" && !manager.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// `seeds/*.txt` sorted by file name, turned into documents by the CLI's `.txt` rule: the title is the
    /// first non-empty line with at least 6 whitespace-separated words of which at most 40% contain a digit
    /// (else the first non-empty line); the body is the whole text without that line.
    static func seedDocuments() throws -> [Document] {
        let directory = packageRoot.appendingPathComponent("seeds")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".txt") }.sorted()
        guard !names.isEmpty else { throw FixtureError(description: "no .txt files in \(directory.path)") }
        return try names.map { name in
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let nonEmpty = lines.indices.filter { !lines[$0].allSatisfy(\.isWhitespace) }
            let chosen = nonEmpty.first { i in
                let words = lines[i].split(whereSeparator: \.isWhitespace)
                let withDigit = words.filter { $0.unicodeScalars.contains { ("0"..."9").contains($0) } }.count
                return words.count >= 6 && Double(withDigit) <= 0.4 * Double(words.count)
            } ?? nonEmpty.first
            let title = chosen.map { String(lines[$0]) } ?? ""
            let body = lines.indices.filter { $0 != chosen }.map { String(lines[$0]) }.joined(separator: "\n")
            return Document(id: String(name.dropLast(".txt".count)), title: title, body: body)
        }
    }

    /// `Fixtures/golden/handmade.jsonl` in file order.
    static func handmadeDocuments() throws -> [Document] {
        struct Line: Decodable {
            var id: String
            var title: String
            var body: String
        }
        let url = packageRoot.appendingPathComponent("Fixtures/golden/handmade.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { number, line in
            do {
                let parsed = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
                return Document(id: parsed.id, title: parsed.title, body: parsed.body)
            } catch {
                throw FixtureError(description: "\(url.path):\(number + 1): \(error)")
            }
        }
    }
}
