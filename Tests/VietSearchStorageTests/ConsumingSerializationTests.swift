import XCTest
import VietSearchTestSupport
@testable import VietSearchStorage

/// Serialising a builder while freeing its term streams (`consuming`, what the indexing pipeline does to
/// keep a flush's peak memory down), and encoding postings in many small runs, must give the very
/// bytes of the plain single-run serialisation.
final class ConsumingSerializationTests: XCTestCase {
    /// 300 documents whose exact keys "e…" have folded keys "f…", most with one spelling (shared data).
    private func makeBuilder() throws -> SegmentBuilder {
        try PairedKeyCorpus.builder(documents: 300, tokensPerDocument: 50, words: 2_500, foldedWords: 2_100,
                                    seed: 29, storedValue: { "doc \($0)" })
    }

    func testConsumingSerialisationGivesTheSameBytesAndFreesTheStreams() throws {
        let id = SegmentID.random()
        let plain = try SegmentWriter.serialize(try makeBuilder(), id: id, threads: 1)
        for threads in [1, 2] {
            let builder = try makeBuilder()
            let streams = builder.buffer.termStreams
            let heapBytesBefore = streams.heapBytes
            let streamBytes = (0..<streams.count).reduce(0) { $0 + streams.byteCount($1) }
            let consumed = try SegmentWriter.serialize(builder, id: id, threads: threads, consuming: true)
            XCTAssertTrue(Array(consumed.parts.joined()) == Array(plain.parts.joined()), "\(threads) threads")
            XCTAssertEqual(consumed.checksum, plain.checksum)
            let termCount = builder.buffer.termStreams.count
            XCTAssertGreaterThan(termCount, 4_000)
            // Every stream's block is freed; only the table of streams is left.
            XCTAssertLessThanOrEqual(streams.heapBytes, heapBytesBefore - streamBytes)
            XCTAssertTrue((0..<termCount).allSatisfy { builder.buffer.termStreams.isEmpty($0) })
        }
    }

    func testManySmallRunsEncodeLikeOneRun() throws {
        let builder = try makeBuilder()
        let terms = builder.buffer.sortedTermIndices()
        let one = try ParallelPostingsEncoder.encode(builder.buffer, terms: terms, parts: 1, runBytes: Int.max)
        for threads in [1, 2] {
            // About 40 runs of ~1,024 terms (the fewest a run gets): sharing restored across all of them.
            let many = try ParallelPostingsEncoder.encode(builder.buffer, terms: terms, parts: threads, runBytes: 1)
            XCTAssertGreaterThan(many.postings.count, 2, "several runs")
            XCTAssertEqual(Array(many.postings.joined()), Array(one.postings.joined()), "\(threads) threads")
            XCTAssertEqual(Array(many.positions.joined()), Array(one.positions.joined()), "\(threads) threads")
            XCTAssertEqual(many.documentFrequencies, one.documentFrequencies)
            XCTAssertEqual(many.totalTermFrequencies, one.totalTermFrequencies)
            XCTAssertEqual(many.locations.map(\.postingsOffset), one.locations.map(\.postingsOffset))
            XCTAssertEqual(many.locations.map(\.positionsOffset), one.locations.map(\.positionsOffset))
            XCTAssertEqual(many.locations.map(\.isShared), one.locations.map(\.isShared))
        }
        XCTAssertGreaterThan(one.locations.filter(\.isShared).count, 500, "the test must exercise sharing")
    }
}
