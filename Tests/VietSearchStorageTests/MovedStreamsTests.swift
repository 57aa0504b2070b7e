import Dispatch
import Foundation
import XCTest
import VietSearchTestSupport
@testable import VietSearchStorage

/// `SegmentBuilder.moveStreamsToCallingThread` (parallel indexing copies a worker's builder's term streams
/// into the writer's memory before appending to it): the builder must read and grow exactly as before,
/// with the same memory estimate (the memory plan's segment decisions depend on it), after the old
/// streams are freed on another thread.
final class MovedStreamsTests: XCTestCase {
    func testMovedStreamsKeepBytesAndEstimateAndStayWritable() throws {
        var movedCorpus = RandomCorpus(seed: 77)
        var keptCorpus = RandomCorpus(seed: 77)
        let moved = SegmentBuilder()
        let kept = SegmentBuilder()
        var model = SegmentModel()
        var documents: [DocumentPostings] = []
        for number in 0..<60 {
            let document = try movedCorpus.document(number: number, builder: moved)
            try moved.add(document)
            documents.append(document)
            try kept.add(try keptCorpus.document(number: number, builder: kept))
        }
        let streamsBefore = moved.buffer.termStreams
        // Compared with the builder's own estimate: two builders of the same documents can differ in it
        // (Swift arrays' capacities follow the allocator's chunk sizes).
        let estimateBefore = moved.estimatedMemoryBytes
        let firstTermBase = moved.buffer.termStreams.bytes(0).baseAddress

        let retired = moved.moveStreamsToCallingThread()
        // Freed on another thread, as the writer's workers do; the builder must not depend on it.
        let freed = DispatchSemaphore(value: 0)
        Thread { withExtendedLifetime(retired) {}; freed.signal() }.start()
        freed.wait()

        XCTAssertFalse(moved.buffer.termStreams === streamsBefore, "the streams are a new object")
        XCTAssertNotEqual(moved.buffer.termStreams.bytes(0).baseAddress, firstTermBase, "the bytes were copied, not shared")
        XCTAssertEqual(moved.estimatedMemoryBytes, estimateBefore)
        XCTAssertEqual(moved.buffer.termStreams.heapBytes, kept.buffer.termStreams.heapBytes)
        XCTAssertEqual(moved.buffer.termStreams.count, kept.buffer.termStreams.count)
        XCTAssertGreaterThan(moved.buffer.termStreams.count, 50)
        for term in 0..<kept.buffer.termStreams.count {
            XCTAssertEqual(Array(moved.buffer.termStreams.bytes(term)), Array(kept.buffer.termStreams.bytes(term)), "term \(term)")
            XCTAssertEqual(moved.buffer.termStreams.lastDoc(term), kept.buffer.termStreams.lastDoc(term), "term \(term)")
        }

        // Documents added afterwards (direct path) and a builder appended (exact reserves) grow the
        // copied streams.
        for number in 60..<100 {
            let document = try movedCorpus.document(number: number, builder: moved)
            try moved.add(document)
            documents.append(document)
        }
        let appended = SegmentBuilder()
        for name in moved.fieldNames { _ = try appended.fieldNumber(for: name) }
        for number in 100..<130 {
            let document = try movedCorpus.document(number: number, builder: appended)
            try appended.add(document)
            documents.append(document)
        }
        try moved.append(appended)

        model.fieldNames = moved.fieldNames
        for document in documents { model.add(document, fieldCount: model.fieldNames.count) }
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(moved))
        try reader.verify()
        try assertSegment(reader, equals: model)
    }

    func testMovingAnEmptyBuilderGivesAnEmptyWritableOne() throws {
        var corpus = RandomCorpus(seed: 3)
        let builder = SegmentBuilder()
        _ = builder.moveStreamsToCallingThread()
        XCTAssertEqual(builder.buffer.termStreams.count, 0)
        let document = try corpus.document(number: 0, builder: builder)
        try builder.add(document)
        var model = SegmentModel()
        model.fieldNames = builder.fieldNames
        model.add(document, fieldCount: model.fieldNames.count)
        let store = IndexStore.inMemory()
        try assertSegment(try store.openSegment(try store.writeSegment(builder)), equals: model)
    }
}
