import Foundation
import XCTest
@testable import VietSearch
import VietSearchTestSupport

/// Randomized model-based test of the index lifecycle: a long seeded sequence of add, upsert, delete
/// (by id and by query), commit, rollback, force merge, automatic merges, reopen and refresh, checked
/// after every step against a plain in-memory model of the committed documents: which exist, their
/// stored fields, and their BM25 scores computed from the model's text with the formula (README
/// "Ranking"). An old searcher is kept across steps and must keep answering for its own commit.
///
/// `VIETSEARCH_SEED=<n>` replays one seed; `VIETSEARCH_STEPS=<n>` runs longer. Failures print the seed.
final class LifecycleModelTests: FacadeTestCase {
    /// ASCII words: a token is the word, its folded key is the word, so the model tokenises by spaces.
    static let vocabulary = ["an", "binh", "cuong", "dung", "giang", "hai", "khanh", "lan", "minh", "nam", "phuc", "quang"]

    struct ModelDocument: Equatable {
        var title: String
        var body: String
    }

    /// The BM25 score of every document matching the bare word `word`, from the model alone.
    static func expectedScores(_ word: String, in documents: [String: ModelDocument]) -> [String: Double] {
        let k1 = 1.2, b = 0.75
        let count = Double(documents.count)
        var scores: [String: Double] = [:]
        for (field, boost) in [("title", 2.0), ("body", 1.0)] {
            var tokens: [String: [Substring]] = [:]
            for (id, document) in documents {
                tokens[id] = (field == "title" ? document.title : document.body).split(separator: " ")
            }
            let average = Double(tokens.values.reduce(0) { $0 + $1.count }) / count
            let having = Double(tokens.values.filter { $0.contains(Substring(word)) }.count)
            guard having > 0 else { continue }
            let idf = log(1 + (count - having + 0.5) / (having + 0.5))
            for (id, words) in tokens {
                let tf = Double(words.filter { $0 == word }.count)
                guard tf > 0 else { continue }
                let length = Double(words.count)
                scores[id, default: 0] += boost * idf * tf / (tf + k1 * (1 - b + b * length / average))
            }
        }
        return scores
    }

    private struct Run {
        var generator: SeededGenerator
        let seed: UInt64
        var nextID = 0

        mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &generator) }

        mutating func text(maxWords: Int) -> String {
            (0..<int(0..<(maxWords + 1))).map { _ in LifecycleModelTests.vocabulary[int(0..<LifecycleModelTests.vocabulary.count)] }
                .joined(separator: " ")
        }
    }

    private func check(_ searcher: Searcher, against model: [String: ModelDocument], seed: UInt64, step: Int,
                       run: inout Run, file: StaticString = #filePath, line: UInt = #line) throws {
        let context = "seed \(seed), step \(step), generation \(searcher.generation)"
        XCTAssertEqual(searcher.documentCount, model.count, context, file: file, line: line)
        for _ in 0..<2 {
            let word = Self.vocabulary[run.int(0..<Self.vocabulary.count)]
            let results = try searcher.search(word, options: SearchOptions(limit: 1_000))
            let expected = Self.expectedScores(word, in: model)
            XCTAssertEqual(results.totalHits, expected.count, "\(context): hits of \(word)", file: file, line: line)
            var seen = Set<String>()
            for hit in results {
                XCTAssertTrue(seen.insert(hit.id).inserted, "\(context): \(hit.id) returned twice", file: file, line: line)
                guard let score = expected[hit.id] else {
                    XCTFail("\(context): \(hit.id) should not match \(word)", file: file, line: line)
                    continue
                }
                XCTAssertEqual(hit.score, score, accuracy: 1e-9 * max(1, score), "\(context): score of \(hit.id) for \(word)",
                               file: file, line: line)
                XCTAssertEqual(hit["title"], model[hit.id]?.title, context, file: file, line: line)
                XCTAssertEqual(hit["body"], model[hit.id]?.body, context, file: file, line: line)
            }
        }
        for _ in 0..<2 {
            let id = "d\(run.int(0..<max(1, run.nextID)))"
            let document = try searcher.document(id: id)
            XCTAssertEqual(document.map { ModelDocument(title: $0["title"] ?? "?", body: $0["body"] ?? "?") }, model[id],
                           "\(context): document \(id)", file: file, line: line)
        }
    }

    private func runModel(seed: UInt64, steps: Int, onDisk: Bool) throws {
        var run = Run(generator: SeededGenerator(seed: seed), seed: seed)
        var configuration = IndexConfiguration(memoryBudget: 3_000)
        configuration.mergePolicy = MergePolicySettings(segmentsPerTier: 3, floorDocuments: 4, maxDeletedFraction: 0.4)
        let path = temporaryIndexPath()
        var index = onDisk ? try Index.open(at: path, configuration: configuration) : Index.inMemory(configuration: configuration)
        var writer = try index.writer()
        defer { writer.close() }
        var committed: [String: ModelDocument] = [:]
        var pending = committed
        var oldSearcher = try index.searcher()
        var oldModel = committed
        var searcher = oldSearcher

        for step in 0..<steps {
            let context = "seed \(seed), step \(step)"
            let ids = Array(pending.keys)
            switch run.int(0..<100) {
            case 0..<30:
                let id = "d\(run.nextID)"
                run.nextID += 1
                let document = ModelDocument(title: run.text(maxWords: 4), body: run.text(maxWords: 20))
                try writer.add(Document(id: id, title: document.title, body: document.body))
                pending[id] = document
            case 30..<45:
                let id = ids.isEmpty || run.int(0..<4) == 0 ? "d\(run.nextID)" : ids[run.int(0..<ids.count)]
                if id == "d\(run.nextID)" { run.nextID += 1 }
                let document = ModelDocument(title: run.text(maxWords: 4), body: run.text(maxWords: 20))
                let replaced = try writer.upsert(Document(id: id, title: document.title, body: document.body))
                XCTAssertEqual(replaced, pending[id] != nil, context)
                pending[id] = document
            case 45..<47 where !ids.isEmpty:
                // Adding a live id is refused and changes nothing.
                let id = ids[run.int(0..<ids.count)]
                XCTAssertThrowsError(try writer.add(Document(id: id, title: "x", body: "y")), context)
            case 47..<57:
                let id = ids.isEmpty || run.int(0..<5) == 0 ? "d\(run.nextID + 7)" : ids[run.int(0..<ids.count)]
                XCTAssertEqual(try writer.delete(id: id), pending[id] != nil, context)
                pending[id] = nil
            case 57..<60:
                // Two words, both required: deletes few documents.
                let first = Self.vocabulary[run.int(0..<Self.vocabulary.count)]
                let second = Self.vocabulary[run.int(0..<Self.vocabulary.count)]
                let deleted = try writer.delete(query: "+\(first) +\(second)")
                let matching = pending.filter { entry in
                    let words = Set((entry.value.title + " " + entry.value.body).split(separator: " ").map(String.init))
                    return words.contains(first) && words.contains(second)
                }
                XCTAssertEqual(deleted, matching.count, "\(context): delete +\(first) +\(second)")
                for id in matching.keys { pending[id] = nil }
            case 60..<80:
                try writer.commit()
                committed = pending
            case 80..<85:
                try writer.rollback()
                pending = committed
            case 85..<88:
                try writer.forceMerge(maxSegments: run.int(1..<4))
                committed = pending
                let statistics = try index.statistics()
                XCTAssertEqual(statistics.deletedDocuments, 0, context)
            case 88..<92:
                // Reopen: a new writer (and for the directory, a new Index object) on the last commit.
                writer.close()
                pending = committed
                if onDisk { index = try Index.open(at: path, createIfMissing: false, configuration: configuration) }
                writer = try index.writer()
            case 92..<96:
                searcher = try searcher.refreshed()
            default:
                oldSearcher = try index.searcher()
                oldModel = committed
            }
            let newest = try index.searcher()
            try check(newest, against: committed, seed: seed, step: step, run: &run)
            try check(oldSearcher, against: oldModel, seed: seed, step: step, run: &run)
            XCTAssertLessThanOrEqual(searcher.generation, newest.generation, context)
            if step % 10 == 0 {
                let statistics = try index.statistics()
                XCTAssertEqual(statistics.documents, committed.count, context)
                XCTAssertEqual(statistics.segmentDetails.reduce(0) { $0 + $1.documents - $1.deletedDocuments },
                               committed.count, context)
                XCTAssertLessThanOrEqual(statistics.segments, 3 * 2 * 4, "\(context): segment count stays logarithmic")
            }
            if testRun?.failureCount ?? 0 > 0 {
                XCTFail("stopping: replay with VIETSEARCH_SEED=\(seed)")
                return
            }
        }
        try writer.commit()
        let report = try index.check()
        XCTAssertEqual(report.documents, pending.count, "seed \(seed)")
        if onDisk {
            // Only what the newest manifests and open searchers need is left on disk.
            let names = try FileManager.default.contentsOfDirectory(atPath: path)
            XCTAssertFalse(names.contains { $0.hasSuffix(".tmp") }, "seed \(seed): \(names)")
        }
    }

    private var seeds: [UInt64] {
        if let text = ProcessInfo.processInfo.environment["VIETSEARCH_SEED"], let seed = UInt64(text) { return [seed] }
        return [1, 2]
    }

    private var steps: Int { Int(ProcessInfo.processInfo.environment["VIETSEARCH_STEPS"] ?? "") ?? 1_000 }

    func testRandomLifecycleInMemory() throws {
        for seed in seeds { try runModel(seed: seed, steps: steps, onDisk: false) }
    }

    func testRandomLifecycleOnDisk() throws {
        // Directory stores fsync every commit: fewer steps, one seed.
        for seed in seeds.prefix(1) { try runModel(seed: seed &+ 1_000, steps: steps / 2, onDisk: true) }
    }
}

