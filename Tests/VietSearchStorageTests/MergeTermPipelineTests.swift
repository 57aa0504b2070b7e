import Foundation
import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The merge's two-thread term walk (`SegmentMerger.TermPipeline`): the same segment bytes as one
/// thread, every term handed over once, in order, with its data, and either side's error stopping both.
final class MergeTermPipelineTests: XCTestCase {
    private let scratch = ScratchDirectories()

    override func tearDown() { scratch.removeAll() }

    /// Segments of random documents, alternating two vocabularies (terms in one input only and in
    /// several; long lists that cross and end on 128-document blocks).
    private func segments(_ store: IndexStore, seed: UInt64, sizes: [Int]) throws -> [SegmentMeta] {
        var corpora = [RandomCorpus(seed: seed), RandomCorpus(seed: seed &+ 1000, vocabularySize: 25)]
        var metas: [SegmentMeta] = []
        var number = 0
        for (index, size) in sizes.enumerated() {
            let builder = SegmentBuilder()
            let corpus = index % 3 == 2 ? 1 : 0
            for _ in 0..<size {
                try builder.add(try corpora[corpus].document(number: number, builder: builder, maxTokens: 200))
                number += 1
            }
            metas.append(try store.writeSegment(builder))
        }
        return metas
    }

    /// The merged file's bytes, one thread or two (with `limits`), under one segment id.
    private func merged(_ readers: [SegmentReader], id: SegmentID, onOwnThread: Bool,
                        limits: SegmentMerger.TermPipeline.Limits = .init()) throws -> [UInt8] {
        var merger = SegmentMerger(segments: readers, spoolDirectory: try scratch.make("vs-pipemerge"), id: id)
        merger.collectsOnOwnThread = onOwnThread
        merger.pipelineLimits = limits
        let output = try merger.merge()
        return Array(try XCTUnwrap(FileManager.default.contents(atPath: output.path)))
    }

    private let limitCases: [SegmentMerger.TermPipeline.Limits] = [.init(), .init(terms: 1, values: 1), .init(terms: 3, values: 40)]

    func testTwoThreadMergeWritesTheOneThreadBytes() throws {
        let cases: [[Int]] = [[128, 128, 128], [127, 1, 129], [300, 40, 257, 5], [1000], [256, 300]]
        for (seed, sizes) in cases.enumerated() {
            let store = try IndexStore.openDirectory(at: try scratch.make("vs-pipemerge"), createIfMissing: true)
            let readers = try segments(store, seed: UInt64(seed + 20), sizes: sizes).map { try store.openSegment($0) }
            let id = SegmentID.random()
            let reference = try merged(readers, id: id, onOwnThread: false)
            XCTAssertGreaterThan(reference.count, 1000)
            for limits in limitCases {
                let pipelined = try merged(readers, id: id, onOwnThread: true, limits: limits)
                XCTAssertTrue(pipelined == reference, "sizes \(sizes), limits \(limits): the two-thread merge's bytes differ")
            }
        }
    }

    func testTwoThreadMergeWritesTheOneThreadBytesWithDeletes() throws {
        var generator = SeededGenerator(seed: 77)
        let store = try IndexStore.openDirectory(at: try scratch.make("vs-pipemerge"), createIfMissing: true)
        var metas = try segments(store, seed: 31, sizes: [260, 130, 300])
        try store.commit(Manifest(generation: 1, segments: metas))
        // The first input keeps its documents (its blocks are copied), the others lose some.
        for index in metas.indices.dropFirst() {
            let reader = try store.openSegment(metas[index])
            let docs = (0..<reader.documentCount).filter { _ in Double.random(in: 0..<1, using: &generator) < 0.3 }
            metas[index] = try store.writeDeletes(docs, in: reader, generation: 2)
        }
        let readers = try metas.map { try store.openSegment($0) }
        let id = SegmentID.random()
        let reference = try merged(readers, id: id, onOwnThread: false)
        for limits in limitCases {
            XCTAssertTrue(try merged(readers, id: id, onOwnThread: true, limits: limits) == reference, "limits \(limits)")
        }
    }

    /// A synthetic term `index`: some documents, frequencies, values and copied block starts.
    private static func term(_ index: Int) -> (buffer: TermPostingsBuffer, field: UInt8, bytes: [UInt8]) {
        var buffer = TermPostingsBuffer()
        // Term 500 is far larger than a batch.
        let count = index == 500 ? 3000 : index % 9
        buffer.positionsAreValues = index % 2 == 0
        for slot in 0..<count {
            buffer.docs.append(UInt32(index + 3 * slot))
            buffer.frequencies.append(UInt32(1 + slot % 3))
            for value in 0..<(1 + slot % 3) { buffer.positions.append(UInt32(index * 7 + value)) }
        }
        for start in 0..<(index % 4) { buffer.copiedBlockStarts.append(index + start) }
        return (buffer, UInt8(index % 3), Array("term\(index)".utf8))
    }

    private final class Record: @unchecked Sendable {
        private let lock = NSLock()
        var emitted = 0
        var producerReturned = false

        func update(_ body: (Record) -> Void) {
            lock.lock()
            body(self)
            lock.unlock()
        }
    }

    func testEveryTermIsHandedOverOnceInOrderWithItsData() throws {
        let count = 1200
        var seen: [(docs: [UInt32], frequencies: [UInt32], positions: [UInt32], starts: [Int], values: Bool, field: UInt8, bytes: [UInt8])] = []
        for limits in limitCases + [.init(terms: 7, values: 50)] {
            seen.removeAll()
            try SegmentMerger.TermPipeline.run(limits: limits, produce: { emit in
                for index in 0..<count {
                    var term = Self.term(index)
                    try emit(&term.buffer, term.field, term.bytes[...])
                }
            }, consume: { buffer, field, bytes in
                seen.append((Array(buffer.docs), Array(buffer.frequencies), Array(buffer.positions), Array(buffer.copiedBlockStarts),
                             buffer.positionsAreValues, field, Array(bytes)))
            })
            XCTAssertEqual(seen.count, count, "limits \(limits)")
            for (index, got) in seen.enumerated() {
                let expected = Self.term(index)
                XCTAssertEqual(got.docs, expected.buffer.docs, "term \(index)")
                XCTAssertEqual(got.frequencies, expected.buffer.frequencies, "term \(index)")
                XCTAssertEqual(got.positions, expected.buffer.positions, "term \(index)")
                XCTAssertEqual(got.starts, expected.buffer.copiedBlockStarts, "term \(index)")
                XCTAssertEqual(got.values, expected.buffer.positionsAreValues, "term \(index)")
                XCTAssertEqual(got.field, expected.field, "term \(index)")
                XCTAssertEqual(got.bytes, expected.bytes, "term \(index)")
            }
        }
    }

    private struct Stop: Error, Equatable { var at: Int }

    func testWritingErrorStopsTheReadingThreadBeforeItIsThrown() {
        let record = Record()
        var consumed = 0
        XCTAssertThrowsError(try SegmentMerger.TermPipeline.run(limits: .init(terms: 2, values: 10), produce: { emit in
            defer { record.update { $0.producerReturned = true } }
            for index in 0..<100_000 {
                var term = Self.term(index % 400)
                try emit(&term.buffer, term.field, term.bytes[...])
                record.update { $0.emitted += 1 }
            }
        }, consume: { _, _, _ in
            consumed += 1
            if consumed == 10 { throw Stop(at: consumed) }
        })) { error in
            XCTAssertEqual(error as? Stop, Stop(at: 10))
        }
        record.update { record in
            XCTAssertTrue(record.producerReturned, "run returned while the reading thread still ran")
            XCTAssertLessThan(record.emitted, 100, "the reading thread went on after the writer failed")
        }
    }

    func testReadingErrorIsThrownAfterTheTermsBeforeIt() {
        var consumed: [[UInt8]] = []
        XCTAssertThrowsError(try SegmentMerger.TermPipeline.run(limits: .init(terms: 4, values: 1000), produce: { emit in
            for index in 0..<21 {
                var term = Self.term(index)
                try emit(&term.buffer, term.field, term.bytes[...])
            }
            throw Stop(at: 21)
        }, consume: { _, _, bytes in consumed.append(Array(bytes)) })) { error in
            XCTAssertEqual(error as? Stop, Stop(at: 21))
        }
        XCTAssertEqual(consumed, (0..<21).map { Array("term\($0)".utf8) })
    }

    func testDamagedPositionsAreReportedWithTheFileNameFromTheReadingThread() throws {
        let store = try IndexStore.openDirectory(at: try scratch.make("vs-pipemerge"), createIfMissing: true)
        let metas = try segments(store, seed: 9, sizes: [300, 200])
        let path = try XCTUnwrap(store.path) + "/" + metas[1].fileName
        var bytes = Array(try XCTUnwrap(FileManager.default.contents(atPath: path)))
        let positions = try store.openSegment(metas[1]).layout.range(.positions)
        bytes[positions.lowerBound + positions.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var merger = SegmentMerger(segments: try metas.map { try store.openSegment($0) }, spoolDirectory: try scratch.make("vs-pipemerge"),
                                   id: SegmentID.random())
        merger.collectsOnOwnThread = true
        merger.pipelineLimits = .init(terms: 2, values: 10)
        XCTAssertThrowsError(try merger.merge()) { error in
            XCTAssertTrue("\(error)".contains(metas[1].fileName) && "\(error)".contains("positions"), "\(error)")
        }
    }
}
