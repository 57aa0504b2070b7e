import XCTest
@testable import VietSearchStorage

/// `TermStreams.reserve(_:extra:exactly: true)`, as the segment being assembled from parallel jobs
/// grows each term's stream once per appended job: the bytes and the memory estimate must be those of
/// streams sized exactly, while the physical headroom spares most of the moves (copies) that exact
/// sizes caused when the streams' blocks sit between each other's.
final class ExactReservationHeadroomTests: XCTestCase {
    func testInterleavedExactGrowthKeepsBytesAndEstimateAndMovesRarely() {
        let streams = TermStreams()
        let termCount = 300
        let rounds = 60
        for term in 0..<termCount { streams.appendEmpty(field: UInt8(term % 2)) }
        let tableBytes = streams.heapBytes
        var model = [[UInt8]](repeating: [], count: termCount)
        var moves = 0
        // Round-robin over the terms, like one appended job after another: each term's block is followed
        // by the next term's, so glibc cannot grow it in place and an exact-size realloc moves it.
        for round in 0..<rounds {
            for term in 0..<termCount {
                let length = 40 + (term &* 7 &+ round &* 13) % 90
                let before = streams.bytes(term).baseAddress
                let target = streams.reserve(term, extra: length, exactly: true)
                for index in 0..<length { target[index] = UInt8(truncatingIfNeeded: index &* 3 &+ term &+ round) }
                streams.commit(term, written: length)
                model[term] += (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 3 &+ term &+ round) }
                if before != nil && streams.bytes(term).baseAddress != before { moves += 1 }
            }
        }
        for term in 0..<termCount {
            XCTAssertEqual(Array(streams.bytes(term)), model[term], "term \(term)")
        }
        // The estimate counts exactly the bytes asked for, as before the headroom: the memory plan's
        // flush and segment decisions (and so the segments written) do not change.
        XCTAssertEqual(streams.heapBytes, tableBytes + model.map(\.count).reduce(0, +))
        streams.recountHeapBytes()
        XCTAssertEqual(streams.heapBytes, tableBytes + model.map(\.count).reduce(0, +))
        // Each stream grows ~60-fold in 60 steps: with an eighth of headroom it moves at each of the
        // first ~8 growths (each more than an eighth), then about log(60/8)/log(9/8) ≈ 17 times: ~25 of
        // the 59 growths, not (nearly) every one.
        let growths = termCount * (rounds - 1)
        XCTAssertLessThan(moves, growths / 2, "\(moves) moves in \(growths) exact growths")
    }

    func testHeadroomIsUsedAfterAStreamLeavesItsSlot() {
        let streams = TermStreams()
        streams.appendEmpty(field: 0)
        // A worker's stream (slot, doubling), then the writer's exact reservations.
        for index in 0..<100 {
            streams.reserve(0, extra: 1)[0] = UInt8(index)
            streams.commit(0, written: 1)
        }
        var expected = (0..<100).map { UInt8($0) }
        let target = streams.reserve(0, extra: StreamSlots.largestSlot, exactly: true)
        for index in 0..<StreamSlots.largestSlot { target[index] = UInt8(truncatingIfNeeded: index) }
        streams.commit(0, written: StreamSlots.largestSlot)
        expected += (0..<StreamSlots.largestSlot).map { UInt8(truncatingIfNeeded: $0) }
        let base = streams.bytes(0).baseAddress
        // Within the eighth of headroom: written in place.
        let small = streams.reserve(0, extra: 10, exactly: true)
        for index in 0..<10 { small[index] = 0xAB }
        streams.commit(0, written: 10)
        expected += [UInt8](repeating: 0xAB, count: 10)
        XCTAssertEqual(streams.bytes(0).baseAddress, base)
        XCTAssertEqual(Array(streams.bytes(0)), expected)
        let before = streams.heapBytes
        streams.recountHeapBytes()
        XCTAssertEqual(streams.heapBytes, before)
    }
}
