import Foundation
import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The merge's fast paths write the same bytes as its reference path (terms gathered document by
/// document through cursors), with and without deletes, for terms in one input and in several, and
/// lists and positions that cross the 128-value block boundaries.
final class MergeFastPathTests: XCTestCase {
    private let scratch = ScratchDirectories()

    override func tearDown() { scratch.removeAll() }

    /// Segments of random documents; inputs alternate between two vocabularies, so some terms (with long
    /// lists) are in one input only and others in several; odd inputs number their fields differently.
    private func segments(_ store: IndexStore, seed: UInt64, sizes: [Int]) throws -> [SegmentMeta] {
        var corpora = [RandomCorpus(seed: seed), RandomCorpus(seed: seed &+ 1000, vocabularySize: 25)]
        var metas: [SegmentMeta] = []
        var number = 0
        for (index, size) in sizes.enumerated() {
            let builder = SegmentBuilder()
            if index % 2 == 1 { _ = try builder.fieldNumber(for: "body") }
            let corpus = index % 3 == 2 ? 1 : 0
            for _ in 0..<size {
                try builder.add(try corpora[corpus].document(number: number, builder: builder, maxTokens: 200))
                number += 1
            }
            metas.append(try store.writeSegment(builder))
        }
        return metas
    }

    /// Merges `readers` through both paths (same segment id) and returns the two files' bytes.
    private func mergeBothWays(_ readers: [SegmentReader]) throws -> (bulk: [UInt8], reference: [UInt8]) {
        let id = SegmentID.random()
        var outputs: [[UInt8]] = []
        for bulk in [true, false] {
            var merger = SegmentMerger(segments: readers, spoolDirectory: try scratch.make("vs-fastmerge"), id: id)
            merger.collectsInBulk = bulk
            let output = try merger.merge()
            outputs.append(Array(try XCTUnwrap(FileManager.default.contents(atPath: output.path))))
        }
        return (outputs[0], outputs[1])
    }

    func testBulkTermsWriteTheReferenceBytesWithoutDeletes() throws {
        let cases: [(seed: UInt64, sizes: [Int])] = [(1, [128, 128, 128]), (2, [127, 1, 129]), (3, [300, 40, 257, 5]), (4, [1000])]
        for (seed, sizes) in cases {
            let store = try IndexStore.openDirectory(at: try scratch.make("vs-fastmerge"), createIfMissing: true)
            let readers = try segments(store, seed: seed, sizes: sizes).map { try store.openSegment($0) }
            let (bulk, reference) = try mergeBothWays(readers)
            XCTAssertGreaterThan(bulk.count, 1000)
            XCTAssertTrue(bulk == reference, "seed \(seed), sizes \(sizes): the bulk merge's bytes differ")
        }
    }

    func testBulkTermsWriteTheReferenceBytesWithDeletes() throws {
        var generator = SeededGenerator(seed: 42)
        let cases: [(seed: UInt64, sizes: [Int], fraction: Double)] = [
            (5, [200, 130, 300], 0.1), (6, [129, 128, 2], 0.5), (7, [400, 60], 0.97),
        ]
        for (seed, sizes, fraction) in cases {
            let store = try IndexStore.openDirectory(at: try scratch.make("vs-fastmerge"), createIfMissing: true)
            var metas = try segments(store, seed: seed, sizes: sizes)
            try store.commit(Manifest(generation: 1, segments: metas))
            // Deletes in every input but the second, so inputs with and without deletes meet in one merge.
            for index in metas.indices where index != 1 {
                let reader = try store.openSegment(metas[index])
                let docs = (0..<reader.documentCount).filter { _ in Double.random(in: 0..<1, using: &generator) < fraction }
                metas[index] = try store.writeDeletes(docs, in: reader, generation: 2)
            }
            try store.commit(Manifest(generation: 2, segments: metas))
            let readers = try metas.map { try store.openSegment($0) }
            XCTAssertTrue(readers[0].deletedCount > 0)
            let (bulk, reference) = try mergeBothWays(readers)
            XCTAssertTrue(bulk == reference, "seed \(seed), sizes \(sizes), deleted \(fraction): the bulk merge's bytes differ")
        }
    }

    /// A term's first input without deletes hands its whole position blocks to the writer as bytes (the
    /// merged term's first blocks are the same values cut at the same places); its tail and a later
    /// input's values are decoded. The values behind both are the ones a cursor reads.
    func testFirstInputsWholePositionBlocksAreHandedOverAsBytes() throws {
        let store = try IndexStore.openDirectory(at: try scratch.make("vs-fastmerge"), createIfMissing: true)
        let readers = try segments(store, seed: 11, sizes: [400, 300]).map { try store.openSegment($0) }
        let field = try XCTUnwrap(readers[0].fieldNames.firstIndex(of: "body"))
        let laterField = try XCTUnwrap(readers[1].fieldNames.firstIndex(of: "body"))
        // A body term with at least two position blocks in the first input, present in the second.
        var stream = try TermStream(dictionary: readers[0].dictionary, field: UInt8(field))
        var found: (term: [UInt8], first: TermInfo, later: TermInfo)?
        while found == nil, try stream.next() {
            guard stream.info.totalTermFrequency >= 256,
                  let later = try readers[1].dictionary.lookup(field: UInt8(laterField), term: stream.term) else { continue }
            found = (stream.term, stream.info, later)
        }
        let (term, first, later) = try XCTUnwrap(found, "no common term with two position blocks")
        var collector = MergedTermCollector()
        var buffer = TermPostingsBuffer()
        buffer.removeAll(positionsAreValues: true)
        try collector.append(first, of: readers[0], docMap: (0..<readers[0].documentCount).map { $0 }, to: &buffer)
        let blocks = Int(first.totalTermFrequency) / 128
        XCTAssertNotNil(buffer.copiedPositions, "term \(term)")
        XCTAssertEqual(buffer.copiedBlockStarts.count, blocks)
        XCTAssertEqual(buffer.copiedBlockStarts.first, 0)
        XCTAssertEqual(buffer.positions.count, Int(first.totalTermFrequency) % 128)
        let offset = UInt32(readers[0].documentCount)
        try collector.append(later, of: readers[1], docMap: (0..<readers[1].documentCount).map { $0 + offset }, to: &buffer)
        XCTAssertEqual(buffer.copiedBlockStarts.count, blocks, "a later input is decoded, not copied")
        XCTAssertEqual(buffer.copiedValueCount + buffer.positions.count, Int(first.totalTermFrequency + later.totalTermFrequency))

        // Reference: every document's positions through cursors, turned into the format's values.
        var expected: [UInt32] = []
        for (reader, info) in [(readers[0], first), (readers[1], later)] {
            var cursor = try reader.postings(info)
            while try cursor.nextDoc() != PostingsCursor.noMoreDocs {
                var positions: [UInt32] = []
                try cursor.appendPositions(to: &positions)
                for (index, position) in positions.enumerated() {
                    expected.append(index == 0 ? position : position - positions[index - 1] - 1)
                }
            }
        }
        XCTAssertEqual(Array(expected[(blocks * 128)...]), buffer.positions)
        // The copied bytes decode to the first values (read back as a positions range of their own).
        let copied = try XCTUnwrap(buffer.copiedPositions)
        let positionsSection = readers[0].layout.range(.positions)
        let copiedStart = positionsSection.lowerBound + Int(first.positionsOffset)
        XCTAssertEqual(copied.baseAddress, readers[0].bytes.base.map { $0 + copiedStart })
        var decoder = PositionsDecoder(range: copiedStart..<(copiedStart + copied.count), valueCount: UInt64(blocks * 128))
        var values = [UInt32](repeating: 0, count: blocks * 128)
        try decoder.read(blocks * 128, at: 0, bytes: readers[0].bytes, doc: 0, into: &values, at: 0)
        var runningPositions: [UInt32] = []
        var previous: Int64 = -1
        for value in expected[0..<(blocks * 128)] {
            previous += Int64(value) + 1
            runningPositions.append(UInt32(truncatingIfNeeded: previous))
        }
        XCTAssertEqual(values, runningPositions, "read() sums the values into positions from −1")
    }

    /// The first input's whole postings blocks are handed over as bytes when its doc ids keep their
    /// numbers (and only then); the documents after them are decoded, and the term's totals count both.
    func testFirstInputsWholePostingsBlocksAreHandedOverAsBytes() throws {
        let store = try IndexStore.openDirectory(at: try scratch.make("vs-fastmerge"), createIfMissing: true)
        let readers = try segments(store, seed: 12, sizes: [700, 300]).map { try store.openSegment($0) }
        let field = try XCTUnwrap(readers[0].fieldNames.firstIndex(of: "body"))
        var stream = try TermStream(dictionary: readers[0].dictionary, field: UInt8(field))
        var info: TermInfo?
        while info == nil, try stream.next() {
            if stream.info.encodedDocumentFrequency >= 300 && stream.info.encodedDocumentFrequency % 128 != 0 { info = stream.info }
        }
        let first = try XCTUnwrap(info, "no body term in 300+ documents")
        let documentFrequency = Int(first.encodedDocumentFrequency)
        var expectedDocs: [UInt32] = [], expectedFrequencies: [UInt32] = []
        var cursor = try readers[0].postings(first)
        while try cursor.nextDoc() != PostingsCursor.noMoreDocs {
            expectedDocs.append(cursor.doc)
            expectedFrequencies.append(cursor.termFrequency)
        }
        var collector = MergedTermCollector()
        var buffer = TermPostingsBuffer()
        buffer.removeAll(positionsAreValues: true)
        try collector.append(first, of: readers[0], docMap: (0..<readers[0].documentCount).map { $0 }, to: &buffer)
        let copied = try XCTUnwrap(buffer.copiedPostings)
        XCTAssertEqual(copied.blockCount, documentFrequency / 128)
        XCTAssertEqual(buffer.documentCount, documentFrequency)
        XCTAssertEqual(buffer.docs, Array(expectedDocs[(copied.blockCount * 128)...]))
        XCTAssertEqual(buffer.frequencies, Array(expectedFrequencies[(copied.blockCount * 128)...]))
        XCTAssertEqual(copied.lastDoc, expectedDocs[copied.blockCount * 128 - 1])
        XCTAssertEqual(copied.frequencySum, Int(expectedFrequencies[..<(copied.blockCount * 128)].reduce(0, +)))
        for block in 0..<copied.blockCount {
            XCTAssertEqual(copied.entry(block, 0), expectedDocs[block * 128 + 127], "block \(block)'s last doc")
            XCTAssertEqual(copied.entry(block, 1), expectedFrequencies[(block * 128)..<(block * 128 + 128)].max())
        }

        // Shifted doc ids (the input is not first): every block is decoded and renumbered.
        buffer.removeAll(positionsAreValues: true)
        try collector.append(first, of: readers[0], docMap: (0..<readers[0].documentCount).map { $0 + 5 }, to: &buffer)
        XCTAssertNil(buffer.copiedPostings)
        XCTAssertEqual(buffer.docs, expectedDocs.map { $0 + 5 })
    }

    func testBulkMergeReportsDamagedPositionsWithTheFileName() throws {
        let store = try IndexStore.openDirectory(at: try scratch.make("vs-fastmerge"), createIfMissing: true)
        let metas = try segments(store, seed: 9, sizes: [300, 200])
        let directory = try XCTUnwrap(store.path)
        let path = directory + "/" + metas[0].fileName
        var bytes = Array(try XCTUnwrap(FileManager.default.contents(atPath: path)))
        let reader = try store.openSegment(metas[0])
        let positions = reader.layout.range(.positions)
        bytes[positions.lowerBound + positions.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let damaged = try metas.map { try store.openSegment($0) }
        let merger = SegmentMerger(segments: damaged, spoolDirectory: try scratch.make("vs-fastmerge"), id: SegmentID.random())
        XCTAssertThrowsError(try merger.merge()) { error in
            XCTAssertTrue("\(error)".contains(metas[0].fileName) && "\(error)".contains("positions"), "\(error)")
        }
    }
}
