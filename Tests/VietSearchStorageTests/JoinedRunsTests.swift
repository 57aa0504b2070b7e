import Foundation
import Synchronization
import XCTest
import VietSearchTestSupport
@testable import VietSearchStorage

/// `ParallelPostingsEncoder.encode`'s `joined` callback: the serialiser builds the term dictionary from
/// it while later runs still encode, so it must see every term once, in term order, one call at a time,
/// with the final (joined) values.
final class JoinedRunsTests: XCTestCase {
    private func makeBuilder() throws -> SegmentBuilder {
        try PairedKeyCorpus.builder(documents: 300, tokensPerDocument: 50, words: 2_500, foldedWords: 2_100,
                                    seed: 31, storedValue: { "doc \($0)" })
    }

    /// What the callback saw, recorded under a lock (the test's own, so that it can tell overlapping calls).
    private final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var ranges: [Range<Int>] = []
        var locations: [TermDataLocation] = []
        var frequencies: [UInt32] = []
        var totals: [UInt64] = []
        let inside = Atomic<Int>(0)
        let overlaps = Atomic<Int>(0)
    }

    func testJoinedRunsCoverEveryTermInOrderOneCallAtATime() throws {
        let builder = try makeBuilder()
        let terms = builder.buffer.sortedTermIndices()
        // One run: nothing to join across runs, the reference.
        let one = try ParallelPostingsEncoder.encode(builder.buffer, terms: terms, parts: 1, runBytes: Int.max)
        for threads in [1, 2, 3] {
            let recorder = Recorder()
            let many = try ParallelPostingsEncoder.encode(builder.buffer, terms: terms, parts: threads,
                                                          runBytes: 1) { range, locations, frequencies, totals in
                if recorder.inside.wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue != 0 {
                    recorder.overlaps.wrappingAdd(1, ordering: .relaxed)
                }
                recorder.lock.lock()
                recorder.ranges.append(range)
                recorder.locations += locations
                recorder.frequencies += frequencies
                recorder.totals += totals
                recorder.lock.unlock()
                recorder.inside.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            }
            let seen = recorder
            XCTAssertEqual(recorder.overlaps.load(ordering: .relaxed), 0, "\(threads) threads: calls overlapped")
            XCTAssertGreaterThan(seen.ranges.count, 2, "several runs")
            // Contiguous, in order, from the first term to the last.
            XCTAssertEqual(seen.ranges.first?.lowerBound, 0)
            XCTAssertEqual(seen.ranges.last?.upperBound, terms.count)
            for (earlier, later) in zip(seen.ranges, seen.ranges.dropFirst()) {
                XCTAssertEqual(earlier.upperBound, later.lowerBound)
            }
            // The values given are the final ones: those of the returned output and of one run.
            XCTAssertEqual(seen.frequencies, one.documentFrequencies)
            XCTAssertEqual(seen.totals, one.totalTermFrequencies)
            XCTAssertEqual(seen.locations.map(\.postingsOffset), one.locations.map(\.postingsOffset))
            XCTAssertEqual(seen.locations.map(\.positionsOffset), one.locations.map(\.positionsOffset))
            XCTAssertEqual(seen.locations.map(\.isShared), one.locations.map(\.isShared))
            XCTAssertEqual(seen.locations.map(\.postingsOffset), many.locations.map(\.postingsOffset))
        }
        XCTAssertGreaterThan(one.locations.filter(\.isShared).count, 100, "the test must exercise sharing")
    }
}
