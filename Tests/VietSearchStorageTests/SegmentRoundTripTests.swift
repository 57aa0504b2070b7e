import XCTest
@testable import VietSearchStorage

final class SegmentRoundTripTests: XCTestCase {
    private func buildRandom(seed: UInt64, documents: Int) throws -> (SegmentBuilder, SegmentModel) {
        var corpus = RandomCorpus(seed: seed)
        let builder = SegmentBuilder()
        var model = SegmentModel()
        for number in 0..<documents {
            let document = try corpus.document(number: number, builder: builder)
            XCTAssertEqual(try builder.add(document), UInt32(number))
            model.add(document, fieldCount: builder.fieldNames.count)
        }
        model.fieldNames = builder.fieldNames
        return (builder, model)
    }

    func testSegmentRoundTripsInMemory() throws {
        for (seed, count) in [(1, 0), (2, 1), (3, 7), (4, 300)] as [(UInt64, Int)] {
            let (builder, model) = try buildRandom(seed: seed, documents: count)
            let store = IndexStore.inMemory()
            let meta = try store.writeSegment(builder)
            try store.commit(Manifest(generation: 1, segments: [meta]))
            let reopened = try store.readManifest()
            XCTAssertEqual(reopened.segments, [meta])
            let reader = try store.openSegment(reopened.segments[0])
            try reader.verify()
            try assertSegment(reader, equals: model)
        }
    }

    func testSegmentRoundTripsOnDisk() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (builder, model) = try buildRandom(seed: 42, documents: 500)
        let store = try IndexStore.openDirectory(at: directory, createIfMissing: true)
        let meta = try store.writeSegment(builder)
        try store.commit(Manifest(generation: 1, segments: [meta]))

        let again = try IndexStore.openDirectory(at: directory, createIfMissing: false)
        let manifest = try again.readManifest()
        XCTAssertEqual(manifest, Manifest(generation: 1, segments: [meta]))
        let reader = try again.openSegment(manifest.segments[0])
        try reader.verify()
        try assertSegment(reader, equals: model)
    }

    /// Occurrences in ascending position order per field (as the analyser emits them) take a shorter
    /// sort (by term only); any other order takes the full one. Both must give the same segment.
    func testOccurrenceOrderDoesNotChangeTheSegment() throws {
        var corpus = RandomCorpus(seed: 42)
        let shuffled = SegmentBuilder(), ordered = SegmentBuilder()
        for name in ["id", "title", "body"] {
            _ = try shuffled.fieldNumber(for: name)
            _ = try ordered.fieldNumber(for: name)
        }
        for number in 0..<60 {
            // Up to 400 body tokens: enough occurrences for the radix sorts, not only the small-input sort.
            let document = try corpus.document(number: number, builder: shuffled, maxTokens: 400)
            try shuffled.add(document)
            var inOrder = document
            inOrder.occurrences.sort { ($0.field, $0.position) < ($1.field, $1.position) }
            try ordered.add(inOrder)
        }
        let id = SegmentID.random()
        let fromShuffled = try SegmentWriter.serialize(shuffled, id: id)
        let fromOrdered = try SegmentWriter.serialize(ordered, id: id)
        let shuffledBytes = fromShuffled.parts.flatMap { $0 }
        let orderedBytes = fromOrdered.parts.flatMap { $0 }
        XCTAssertEqual(shuffledBytes.count, orderedBytes.count)
        XCTAssertTrue(shuffledBytes == orderedBytes, "the segments differ")
    }
}
