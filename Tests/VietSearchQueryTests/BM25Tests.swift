import XCTest
@testable import VietSearchQuery
import VietSearchTestSupport

final class BM25Tests: XCTestCase {
    func testIdfMatchesHandComputedValues() {
        // N = 10, n = 2: ln(1 + 8.5 / 2.5) = ln(4.4)
        XCTAssertEqual(BM25.idf(documentCount: 10, documentFrequency: 2), 1.4816045409242156, accuracy: 1e-15)
        // N = 1, n = 1: ln(1 + 0.5 / 1.5) = ln(4/3)
        XCTAssertEqual(BM25.idf(documentCount: 1, documentFrequency: 1), 0.28768207245178085, accuracy: 1e-15)
        // A key in every document still has a small positive idf (Lucene's +1 inside the log).
        XCTAssertGreaterThan(BM25.idf(documentCount: 1_000, documentFrequency: 1_000), 0)
    }

    func testScoreMatchesHandComputedValue() {
        let bm25 = BM25()
        // boost 2, idf 1.5, tf 3, dl 10, avgdl 8:
        // norm = 1 - 0.75 + 0.75 * 10 / 8 = 1.1875; 2 * 1.5 * 3 / (3 + 1.2 * 1.1875) = 9 / 4.425
        XCTAssertEqual(bm25.score(boost: 2, idf: 1.5, tf: 3, dl: 10, avgdl: 8), 9 / 4.425, accuracy: 1e-12)
    }

    func testParametersChangeTheScore() {
        // b = 0 ignores length: 1 * 1 * 1 / (1 + 1.2) whatever dl is.
        let noLength = BM25(k1: 1.2, b: 0)
        XCTAssertEqual(noLength.score(boost: 1, idf: 1, tf: 1, dl: 100, avgdl: 1), 1 / 2.2, accuracy: 1e-12)
        // k1 = 0: the score is boost · idf regardless of tf.
        let flat = BM25(k1: 0, b: 0.75)
        XCTAssertEqual(flat.score(boost: 2, idf: 0.5, tf: 7, dl: 3, avgdl: 4), 1.0, accuracy: 1e-12)
    }

    func testEmptyFieldUsesANormOfOne() {
        let bm25 = BM25()
        XCTAssertEqual(bm25.score(boost: 1, idf: 2, tf: 1, dl: 0, avgdl: 0), 2 / 2.2, accuracy: 1e-12)
        XCTAssertTrue(bm25.score(boost: 1, idf: 2, tf: 1, dl: 0, avgdl: 0).isFinite)
    }

    func testLongerDocumentsScoreLower() {
        let bm25 = BM25()
        let short = bm25.score(boost: 1, idf: 1, tf: 2, dl: 5, avgdl: 10)
        let long = bm25.score(boost: 1, idf: 1, tf: 2, dl: 50, avgdl: 10)
        XCTAssertGreaterThan(short, long)
    }
}

final class TopKCollectorTests: XCTestCase {
    func testKeepsTheBestInScoreOrderWithTiesByDocumentOrder() {
        var collector = TopKCollector(limit: 3)
        collector.collect(score: 1.0, segment: 0, doc: 0)
        collector.collect(score: 3.0, segment: 0, doc: 1)
        collector.collect(score: 2.0, segment: 0, doc: 2)
        collector.collect(score: 3.0, segment: 1, doc: 0)
        collector.collect(score: 3.0, segment: 0, doc: 7)
        collector.collect(score: 0.5, segment: 2, doc: 0)
        let hits = collector.sortedHits()
        XCTAssertEqual(collector.totalHits, 6)
        XCTAssertEqual(hits.map(\.score), [3.0, 3.0, 3.0])
        XCTAssertEqual(hits.map { [$0.segment, Int($0.doc)] }, [[0, 1], [0, 7], [1, 0]])
    }

    func testZeroLimitCountsButKeepsNothing() {
        var collector = TopKCollector(limit: 0)
        collector.collect(score: 1, segment: 0, doc: 0)
        XCTAssertEqual(collector.totalHits, 1)
        XCTAssertTrue(collector.sortedHits().isEmpty)
    }

    func testMatchesAFullSortOnRandomInput() {
        var generator = SeededGenerator(seed: 7)
        for limit in [1, 5, 64] {
            var collector = TopKCollector(limit: limit)
            var all: [(score: Double, segment: Int, doc: UInt32)] = []
            for segment in 0..<4 {
                for doc in UInt32(0)..<300 {
                    // Few distinct scores, so many ties.
                    let score = Double(Int.random(in: 0..<20, using: &generator)) / 4
                    all.append((score, segment, doc))
                    collector.collect(score: score, segment: segment, doc: doc)
                }
            }
            let expected = all.sorted { $0.score != $1.score ? $0.score > $1.score
                : ($0.segment, $0.doc) < ($1.segment, $1.doc) }.prefix(limit)
            let hits = collector.sortedHits()
            XCTAssertEqual(hits.map(\.score), expected.map(\.score))
            XCTAssertEqual(hits.map(\.segment), expected.map(\.segment))
            XCTAssertEqual(hits.map(\.doc), expected.map(\.doc))
        }
    }

    /// Offers in shuffled order (every sift path, not only appends in document order), at top-100 sizes:
    /// the kept hits, their order and the threshold equal a full sort's.
    func testShuffledOffersMatchAFullSortAndTheThreshold() {
        var generator = SeededGenerator(seed: 11)
        for limit in [2, 100, 250] {
            var all: [(score: Double, segment: Int, doc: UInt32)] = []
            for segment in 0..<3 {
                for doc in UInt32(0)..<400 {
                    all.append((Double(Int.random(in: 0..<60, using: &generator)) / 8, segment, doc))
                }
            }
            all.shuffle(using: &generator)
            var collector = TopKCollector(limit: limit)
            for (offset, hit) in all.enumerated() {
                collector.offer(score: hit.score, segment: hit.segment, doc: hit.doc)
                let seen = all[...offset].sorted { $0.score > $1.score }
                if seen.count >= limit {
                    XCTAssertEqual(collector.threshold, seen[limit - 1].score)
                } else {
                    XCTAssertNil(collector.threshold)
                }
                if offset > 40 { break }
            }
            for hit in all.dropFirst(42) { collector.offer(score: hit.score, segment: hit.segment, doc: hit.doc) }
            let expected = all.sorted { $0.score != $1.score ? $0.score > $1.score
                : ($0.segment, $0.doc) < ($1.segment, $1.doc) }.prefix(limit)
            let hits = collector.sortedHits()
            XCTAssertEqual(collector.totalHits, 0)
            XCTAssertEqual(collector.threshold, expected.last?.score)
            XCTAssertEqual(hits.map(\.score), expected.map(\.score))
            XCTAssertEqual(hits.map(\.segment), expected.map(\.segment))
            XCTAssertEqual(hits.map(\.doc), expected.map(\.doc))
        }
    }
}
