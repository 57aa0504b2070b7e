import Foundation
import XCTest
@testable import VietSearch

/// Parallel indexing (`IndexConfiguration.threads`) must not change anything a user can see: the same
/// input indexed with 1 and with 3 threads gives the same hits, scores, order and stored documents,
/// including upserts and deletes of documents still being built on a worker.
final class ParallelIndexingTests: FacadeTestCase {
    /// The relevance fixture (54 Vietnamese documents) with upserts and deletes mixed in, in one batch.
    private func indexCorpus(threads: Int, into index: Index) throws {
        let corpus = try RelevanceSet(directory: RelevanceSet.fixtureDirectory)
        let writer = try index.writer()
        defer { writer.close() }
        for (number, document) in corpus.documents.enumerated() {
            try writer.add(document)
            // Replace an earlier document (likely on a worker or in a flushed segment by now) and
            // delete another, so buffered deletes must follow documents across batches.
            if number % 7 == 6 {
                let earlier = corpus.documents[number - 3]
                XCTAssertTrue(try writer.upsert(Document(id: earlier.id, title: earlier["title"] ?? "",
                                                         body: (earlier["body"] ?? "") + " phiênbảnmới")))
            }
            if number % 11 == 10 { XCTAssertTrue(try writer.delete(id: corpus.documents[number - 2].id)) }
        }
        XCTAssertThrowsError(try writer.add(corpus.documents[5]))  // still a duplicate, whatever the thread count
        try writer.commit()
    }

    private func configuration(threads: Int) -> IndexConfiguration {
        // A small budget: many batches and segments; merges off so segment boundaries differ between runs.
        var configuration = IndexConfiguration(memoryBudget: 96 << 10, threads: threads)
        configuration.mergePolicy = nil
        return configuration
    }

    func testOneAndThreeThreadsGiveIdenticalResultsAndDocuments() throws {
        let corpus = try RelevanceSet(directory: RelevanceSet.fixtureDirectory)
        let single = Index.inMemory(configuration: configuration(threads: 1))
        let parallel = try Index.open(at: temporaryIndexPath(), configuration: configuration(threads: 3))
        try indexCorpus(threads: 1, into: single)
        try indexCorpus(threads: 3, into: parallel)
        let one = try single.searcher()
        let three = try parallel.searcher()
        XCTAssertGreaterThan(try parallel.statistics().segments, 3, "the budget should force several batches")
        XCTAssertEqual(one.documentCount, three.documentCount)
        XCTAssertEqual(one.documentCount, corpus.documents.count - corpus.documents.indices.filter { $0 % 11 == 10 }.count)

        var compared = 0
        // Every tenth judged query (all classes), plus the text the upserts added.
        let queries = corpus.queries.enumerated().filter { $0.offset % 10 == 0 }.map(\.element.text)
        for query in queries + ["phiênbảnmới", "phienbanmoi OR đảng"] {
            for scoring in [ScoringModel.vietnamese, .bm25] {
                var options = SearchOptions(limit: 100)
                options.scoring = scoring
                let expected = try one.search(query, options: options)
                let actual = try three.search(query, options: options)
                XCTAssertEqual(actual.totalHits, expected.totalHits, query)
                XCTAssertEqual(actual.map(\.id), expected.map(\.id), query)
                XCTAssertEqual(actual.map(\.score), expected.map(\.score), query)
                compared += expected.count
            }
        }
        XCTAssertGreaterThan(compared, 150)
        for document in corpus.documents {
            XCTAssertEqual(try three.document(id: document.id), try one.document(id: document.id), document.id)
        }
        XCTAssertEqual(try three.search("phiênbảnmới", options: SearchOptions(limit: 100)).count, 7)
    }

    func testDocumentOrderIsInputOrderWhateverTheThreadCount() throws {
        // Equal scores are ordered by document order (manifest order, then local doc id): every document
        // has the same text, so the hit order is the insertion order.
        for threads in [1, 2, 3] {
            let index = Index.inMemory(configuration: configuration(threads: threads))
            let ids = (0..<300).map { String(format: "doc-%03d", 299 - $0) }
            try self.index(ids.map { Document(id: $0, title: "đảng viên", body: "chi bộ cơ sở họp thường kỳ") }, into: index)
            XCTAssertEqual(try self.ids("đảng viên", in: index, options: SearchOptions(limit: 1_000)), ids, "\(threads) threads")
        }
    }

    func testDuplicateIDOfADocumentOnAWorkerIsRefused() throws {
        let index = Index.inMemory(configuration: IndexConfiguration(memoryBudget: 2_000, threads: 3))
        let writer = try index.writer()
        defer { writer.close() }
        for number in 0..<50 { try writer.add(Document(id: "d\(number)", title: "tin số \(number)", body: "nội dung")) }
        assertThrows(try writer.add(Document(id: "d10", title: "lặp", body: "")),
                     .duplicateID(id: "d10", source: "document", line: 0))
        XCTAssertEqual(try writer.addOrReplaceCommitted(Document(id: "d50", title: "mới", body: "")), false)
        try writer.commit()
        XCTAssertEqual(try index.searcher().documentCount, 51)
        XCTAssertEqual(try index.searcher().document(id: "d10")?["title"], "tin số 10")
    }

    func testTooManyFieldsIsRefusedWhenAdded() throws {
        let index = Index.inMemory(configuration: IndexConfiguration(memoryBudget: 1 << 20, threads: 2))
        let writer = try index.writer()
        defer { writer.close() }
        try writer.add(Document(id: "a", fields: (0..<200).map { ("f\($0)", "x") }))
        XCTAssertThrowsError(try writer.add(Document(id: "b", fields: (200..<300).map { ("f\($0)", "y") }))) { error in
            guard case .limitExceeded? = error as? VietSearchError else { return XCTFail("\(error)") }
        }
        try writer.commit()
        XCTAssertEqual(try index.searcher().documentCount, 1)
    }
}
