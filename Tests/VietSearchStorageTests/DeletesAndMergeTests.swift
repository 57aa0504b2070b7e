import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Deletes files per generation, live statistics, the streaming merge and the tiered policy.
final class DeletesAndMergeTests: XCTestCase {
    private var directories: [String] = []

    override func tearDown() {
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
        directories = []
    }

    private func directoryStore() throws -> IndexStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vs-merge-\(UUID().uuidString)").path
        directories.append(path)
        return try IndexStore.openDirectory(at: path, createIfMissing: true)
    }

    /// Segments of random documents and their models; the field order differs between segments
    /// (the merge must renumber fields).
    private func randomSegments(_ store: IndexStore, seed: UInt64, sizes: [Int]) throws -> ([SegmentMeta], [SegmentModel]) {
        var corpus = RandomCorpus(seed: seed)
        var metas: [SegmentMeta] = []
        var models: [SegmentModel] = []
        var number = 0
        for (index, size) in sizes.enumerated() {
            let builder = SegmentBuilder()
            if index % 2 == 1 { _ = try builder.fieldNumber(for: "body") }
            var model = SegmentModel()
            for _ in 0..<size {
                let document = try corpus.document(number: number, builder: builder, maxTokens: 300)
                number += 1
                try builder.add(document)
                model.fieldNames = builder.fieldNames
                model.add(document, fieldCount: builder.fieldNames.count)
            }
            metas.append(try store.writeSegment(builder))
            models.append(model)
        }
        return (metas, models)
    }

    /// The live documents of `models` (minus `deleted[segment]`) as one segment model, fields named
    /// in the merged order.
    private func mergedModel(_ models: [SegmentModel], deleted: [Set<UInt32>]) -> SegmentModel {
        var merged = SegmentModel()
        for model in models {
            for name in model.fieldNames where !merged.fieldNames.contains(name) { merged.fieldNames.append(name) }
        }
        for (index, model) in models.enumerated() {
            let fieldMap = model.fieldNames.map { name in UInt8(merged.fieldNames.firstIndex(of: name) ?? 0) }
            var docMap: [UInt32: UInt32] = [:]
            for doc in 0..<model.stored.count where !deleted[index].contains(UInt32(doc)) {
                docMap[UInt32(doc)] = UInt32(merged.stored.count)
                merged.stored.append(model.stored[doc])
                var lengths = [UInt32](repeating: 0, count: merged.fieldNames.count)
                for (old, new) in fieldMap.enumerated() { lengths[Int(new)] = model.lengths[doc][old] }
                merged.lengths.append(lengths)
            }
            for (key, postings) in model.postings {
                let newKey = TermKey(field: fieldMap[Int(key.field)], bytes: key.bytes)
                for (doc, positions) in postings {
                    guard let newDoc = docMap[doc] else { continue }
                    merged.postings[newKey, default: [:]][newDoc] = positions
                }
            }
        }
        return merged
    }

    func testDeletesAreLiveStatisticsAndMergeDropsThem() throws {
        for store in [IndexStore.inMemory(), try directoryStore()] {
            let (metas, models) = try randomSegments(store, seed: 7, sizes: [150, 40, 300])
            try store.commit(Manifest(generation: 1, segments: metas))
            // Without deletes (stored blocks copied compressed), then with deletes (recompressed).
            let plain = try XCTUnwrap(try store.merge(try metas.map { try store.openSegment($0) }))
            let plainReader = try store.openSegment(plain)
            try plainReader.verify()
            try assertSegment(plainReader, equals: mergedModel(models, deleted: models.map { _ in [] }))
            var generator = SeededGenerator(seed: 99)
            var deleted = [Set<UInt32>](repeating: [], count: metas.count)
            var manifest = try store.readManifest()
            // Two generations of deletes: the second file holds the union.
            for generation in UInt64(2)...3 {
                var segments: [SegmentMeta] = []
                for (index, meta) in manifest.segments.enumerated() {
                    let reader = try store.openSegment(meta)
                    let docs = (0..<20).map { _ in UInt32.random(in: 0..<meta.documentCount, using: &generator) }
                    deleted[index].formUnion(docs)
                    segments.append(try store.writeDeletes(docs, in: reader, generation: generation))
                }
                manifest = Manifest(generation: generation, segments: segments)
                try store.commit(manifest)
            }
            manifest = try store.readManifest()
            let readers = try manifest.segments.map { try store.openSegment($0) }
            for (index, reader) in readers.enumerated() {
                XCTAssertEqual(reader.meta.deletesGeneration, 3)
                XCTAssertEqual(Int(reader.deletedCount), deleted[index].count)
                XCTAssertEqual(Int(reader.liveDocumentCount), models[index].stored.count - deleted[index].count)
                for doc in 0..<reader.documentCount { XCTAssertEqual(reader.isDeleted(doc), deleted[index].contains(doc)) }
                let live = mergedModel([models[index]], deleted: [deleted[index]])
                for field in 0..<live.fieldNames.count {
                    let sum = live.lengths.reduce(UInt64(0)) { $0 + UInt64($1[field]) }
                    XCTAssertEqual(reader.sumOfFieldLengths(field: UInt8(field)), sum)
                }
                // Live document frequencies and cursors that skip deleted docs.
                for (key, postings) in models[index].postings {
                    let liveDocs = postings.keys.filter { !deleted[index].contains($0) }.sorted()
                    let info = try reader.termInfo(field: key.field, term: key.bytes)
                    XCTAssertEqual(info.map { Int($0.documentFrequency) } ?? 0, liveDocs.count, "\(key)")
                    guard let info else { continue }
                    var cursor = try reader.postings(info)
                    for doc in liveDocs { XCTAssertEqual(try cursor.nextDoc(), doc) }
                    XCTAssertEqual(try cursor.nextDoc(), PostingsCursor.noMoreDocs)
                }
                try reader.verify()
            }
            // Old deletes files are garbage once no manifest names them.
            try store.removeUnreferencedFiles(keeping: manifest)
            let names = try store.listFiles().map(\.name)
            XCTAssertEqual(names.filter { $0.hasPrefix("del-") }.count, 3 + 3, "generations 2 and 3 (manifests 2 and 3 kept)")

            let merged = try XCTUnwrap(try store.merge(readers))
            let mergedReader = try store.openSegment(merged)
            try mergedReader.verify()
            try assertSegment(mergedReader, equals: mergedModel(models, deleted: deleted))
            XCTAssertFalse(try store.listFiles().map(\.name).contains { $0.hasPrefix("merge-") }, "spool files removed")
        }
    }

    func testMergeOfOnlyDeletedDocumentsGivesNothing() throws {
        let store = IndexStore.inMemory()
        let (metas, _) = try randomSegments(store, seed: 3, sizes: [5])
        try store.commit(Manifest(generation: 1, segments: metas))
        let reader = try store.openSegment(metas[0])
        let meta = try store.writeDeletes(Array(0..<5), in: reader, generation: 2)
        XCTAssertEqual(meta.liveDocumentCount, 0)
        XCTAssertNil(try store.merge([try store.openSegment(meta)]))
    }

    func testCorruptDeletesFileIsReportedWithItsName() throws {
        let store = IndexStore.inMemory()
        let (metas, _) = try randomSegments(store, seed: 4, sizes: [20])
        let reader = try store.openSegment(metas[0])
        let meta = try store.writeDeletes([1, 2, 3], in: reader, generation: 2)
        let name = try XCTUnwrap(meta.deletesFileName)
        var bytes = try store.fileBytes(name)
        bytes[FileFormat.headerSize + 9] ^= 0x01
        try store.overwriteFile(name, with: bytes)
        XCTAssertThrowsError(try store.openSegment(meta)) { error in
            guard case StorageError.corrupt(let file, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, name)
        }
    }

    func testTieredPolicyKeepsSegmentCountLogarithmic() {
        let policy = TieredMergePolicy(segmentsPerTier: 4, floorDocuments: 10)
        var sizes: [Int] = []
        var maxSegments = 0
        for _ in 0..<2_000 {
            sizes.append(10)
            while true {
                let metas = sizes.map { size in
                    SegmentMeta(id: SegmentID.random(), documentCount: UInt32(size), fileName: "", fileSize: 0, checksum: 0)
                }
                let merges = policy.findMerges(metas)
                if merges.isEmpty { break }
                var next: [Int] = []
                var index = 0
                for group in merges {
                    XCTAssertEqual(group, Array(group[0]...(group.last ?? 0)), "adjacent segments only")
                    next += sizes[index..<group[0]]
                    next.append(group.reduce(0) { $0 + sizes[$1] })
                    index = (group.last ?? 0) + 1
                }
                sizes = next + sizes[index...]
            }
            maxSegments = max(maxSegments, sizes.count)
        }
        XCTAssertEqual(sizes.reduce(0, +), 20_000)
        // 20,000 docs, floor 10, factor 4: tiers 0...5, fewer than 4 segments each.
        XCTAssertLessThanOrEqual(maxSegments, 3 * 7)
        XCTAssertLessThanOrEqual(sizes.count, 3 * 7)
    }

    func testForceMergePlansAtMostMaxSegmentsAndExpungesDeletes() {
        let metas = [5, 1, 9, 3, 7].map {
            SegmentMeta(id: SegmentID.random(), documentCount: UInt32($0), fileName: "", fileSize: 0, checksum: 0)
        }
        // 25 documents in two runs: [5, 1, 9] reaches half, [3, 7] takes the rest.
        XCTAssertEqual(TieredMergePolicy.forceMerges(metas, maxSegments: 2), [[0, 1, 2], [3, 4]])
        XCTAssertEqual(TieredMergePolicy.forceMerges(metas, maxSegments: 1), [[0, 1, 2, 3, 4]])
        var withDeletes = metas
        withDeletes[2].deletedCount = 1
        withDeletes[2].deletesGeneration = 2
        XCTAssertEqual(TieredMergePolicy.forceMerges(withDeletes, maxSegments: 5), [[2]])
        XCTAssertEqual(TieredMergePolicy.forceMerges(metas, maxSegments: 5), [])
    }
}
