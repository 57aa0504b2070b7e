import Foundation
import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The merge's fast paths write the same bytes as its reference path (terms gathered document by
/// document through cursors), with and without deletes, for terms in one input and in several, and
/// lists and positions that cross the 128-value block boundaries.
final class MergeFastPathTests: XCTestCase {
    private var directories: [String] = []

    override func tearDown() {
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
        directories = []
    }

    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vs-fastmerge-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        directories.append(path)
        return path
    }

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
            var merger = SegmentMerger(segments: readers, spoolDirectory: try temporaryDirectory(), id: id)
            merger.collectsInBulk = bulk
            let output = try merger.merge()
            outputs.append(Array(try XCTUnwrap(FileManager.default.contents(atPath: output.path))))
        }
        return (outputs[0], outputs[1])
    }

    func testBulkTermsWriteTheReferenceBytesWithoutDeletes() throws {
        let cases: [(seed: UInt64, sizes: [Int])] = [(1, [128, 128, 128]), (2, [127, 1, 129]), (3, [300, 40, 257, 5]), (4, [1000])]
        for (seed, sizes) in cases {
            let store = try IndexStore.openDirectory(at: try temporaryDirectory(), createIfMissing: true)
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
            let store = try IndexStore.openDirectory(at: try temporaryDirectory(), createIfMissing: true)
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

    func testBulkMergeReportsDamagedPositionsWithTheFileName() throws {
        let store = try IndexStore.openDirectory(at: try temporaryDirectory(), createIfMissing: true)
        let metas = try segments(store, seed: 9, sizes: [300, 200])
        let directory = try XCTUnwrap(store.path)
        let path = directory + "/" + metas[0].fileName
        var bytes = Array(try XCTUnwrap(FileManager.default.contents(atPath: path)))
        let reader = try store.openSegment(metas[0])
        let positions = reader.layout.range(.positions)
        bytes[positions.lowerBound + positions.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let damaged = try metas.map { try store.openSegment($0) }
        let merger = SegmentMerger(segments: damaged, spoolDirectory: try temporaryDirectory(), id: SegmentID.random())
        XCTAssertThrowsError(try merger.merge()) { error in
            XCTAssertTrue("\(error)".contains(metas[0].fileName) && "\(error)".contains("positions"), "\(error)")
        }
    }
}
