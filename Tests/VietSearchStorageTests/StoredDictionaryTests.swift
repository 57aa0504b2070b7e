import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Stored-field dictionaries (format 3): trained per segment when it pays, used by every frame, carried
/// through merges (copied frames and recompressed ones), verified before use.
final class StoredDictionaryTests: XCTestCase {
    /// Documents that share phrasing across blocks, like news text: what a dictionary learns.
    private func newsLikeSegment(seed: UInt64, documents: Int) throws -> (SegmentBuilder, [[StoredField]]) {
        var generator = SeededGenerator(seed: seed)
        let words = ["Đảng", "viên", "cấp", "ủy", "xây", "dựng", "chỉnh", "đốn", "nâng", "cao", "chất", "lượng", "trong",
                     "tình", "hình", "mới", "đời", "sống", "vật", "tinh", "thần", "chính", "quyền", "địa", "phương",
                     "đoàn", "kết", "thống", "nhất", "Hội", "nghị", "trung", "ương", "nhân", "dân", "cán", "bộ"]
        var phraseGenerator = SeededGenerator(seed: 1_000)
        let phrases = (0..<400).map { _ in
            (0..<5).map { _ in words[Int.random(in: 0..<words.count, using: &phraseGenerator)] }.joined(separator: " ")
        }
        let builder = SegmentBuilder()
        _ = try builder.fieldNumber(for: "body")
        var expected: [[StoredField]] = []
        for number in 0..<documents {
            var parts: [String] = []
            for index in 0..<Int.random(in: 40...120, using: &generator) {
                parts.append(phrases[Int.random(in: 0..<phrases.count, using: &generator)])
                if index % 8 == 0 { parts.append(String(Int.random(in: 0..<1_000, using: &generator))) }
            }
            let stored = [StoredField(name: "id", value: "doc\(seed)-\(number)"),
                          StoredField(name: "body", value: parts.joined(separator: ", "))]
            try builder.add(DocumentPostings(stored: stored, fieldLengths: [UInt32(parts.count)], occurrences: []))
            expected.append(stored)
        }
        return (builder, expected)
    }

    /// Random hex shares nothing a dictionary could learn: the trial compression keeps none.
    func testDictionaryThatDoesNotPayIsDropped() throws {
        var generator = SeededGenerator(seed: 9)
        let builder = SegmentBuilder()
        var expected: [[StoredField]] = []
        for _ in 0..<300 {
            let value = (0..<600).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
            expected.append([StoredField(name: "hex", value: value)])
            try builder.add(DocumentPostings(stored: expected[expected.count - 1], fieldLengths: [], occurrences: []))
        }
        var raw: [UInt8] = []
        var ranges: [Range<Int>] = []
        for fields in expected {
            var body: [UInt8] = []
            body.appendVarint(fields.count)
            for field in fields {
                body.appendLengthPrefixed(Array(field.name.utf8))
                body.appendLengthPrefixed(Array(field.value.utf8))
            }
            let start = raw.count
            raw.appendVarint(body.count)
            raw.append(contentsOf: body)
            ranges.append(start..<raw.count)
        }
        XCTAssertNotNil(StoredFieldsWriter.trainDictionary(raw: raw, documents: ranges),
                        "zstd can train on it (so the trial is what drops it)")
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(builder))
        try reader.verify()
        XCTAssertTrue(reader.stored.dictionaries.entries.isEmpty)
        XCTAssertEqual(try reader.storedFields(doc: 123), expected[123])
    }

    func testLargeSegmentTrainsOneDictionaryThatEveryFrameUsesAndThatPays() throws {
        let (builder, expected) = try newsLikeSegment(seed: 1, documents: 600)
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(builder))
        try reader.verify()
        XCTAssertEqual(reader.stored.dictionaries.entries.count, 1)
        let dictionary = try XCTUnwrap(reader.stored.dictionaries.entries.first)
        XCTAssertEqual(dictionary.range.lowerBound, reader.layout.range(.storedBlocks).lowerBound, "dictionary first")
        XCTAssertLessThanOrEqual(dictionary.range.count, StoredFieldsWriter.dictionaryCapacity)
        var framesWithout = 0
        var framesWith = 0
        let plain = try Zstd.Compressor()
        for block in 0..<reader.stored.blockCount {
            let entry = try reader.stored.entry(block)
            XCTAssertEqual(entry.dictionary, 1, "block \(block)")
            framesWith += entry.range.count
            var raw = ByteReader(try reader.stored.decompress(entry))
            framesWithout += try plain.compress(try raw.readBytes(raw.remaining)).count
        }
        XCTAssertLessThan(Double(framesWith + dictionary.range.count), 0.9 * Double(framesWithout),
                          "the dictionary saves more than it costs")
        for doc in [0, 1, 299, 599] { XCTAssertEqual(try reader.storedFields(doc: UInt32(doc)), expected[doc]) }
    }

    /// A parallel job decides on its batch (below the 1 MiB a decision otherwise waits for) and the
    /// builders given its decision join into a segment with that one dictionary.
    func testEarlyDecisionIsSharedByTheBuildersGivenIt() throws {
        let (few, _) = try newsLikeSegment(seed: 3, documents: 5)
        try few.decideStoredDictionaryIfTrainable()
        XCTAssertNil(few.storedDictionary, "too few bytes to train: left open")
        let (first, expectedFirst) = try newsLikeSegment(seed: 4, documents: 150)
        XCTAssertNil(first.storedDictionary, "under 1 MiB: not decided while adding")
        try first.decideStoredDictionaryIfTrainable()
        let choice = try XCTUnwrap(first.storedDictionary)
        XCTAssertNotNil(choice.bytes, "news-like text: a dictionary that pays")
        let second = SegmentBuilder(storedDictionary: choice)
        _ = try second.fieldNumber(for: "body")
        let stored = [StoredField(name: "id", value: "late"), StoredField(name: "body", value: "Hội nghị trung ương, cán bộ")]
        try second.add(DocumentPostings(stored: stored, fieldLengths: [5], occurrences: []))
        XCTAssertTrue(second.storedDictionary === choice)
        try first.append(second)
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(first))
        try reader.verify()
        XCTAssertEqual(reader.stored.dictionaries.entries.count, 1)
        XCTAssertEqual(try reader.storedFields(doc: 150), stored)
        XCTAssertEqual(try reader.storedFields(doc: 7), expectedFirst[7])
    }

    func testSmallSegmentHasNoDictionary() throws {
        let (builder, expected) = try newsLikeSegment(seed: 2, documents: 5)
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(builder))
        try reader.verify()
        XCTAssertTrue(reader.stored.dictionaries.entries.isEmpty)
        XCTAssertEqual(try reader.stored.entry(0).dictionary, 0)
        XCTAssertEqual(try reader.storedFields(doc: 4), expected[4])
    }

    /// A merge of a segment with deletes (recompressed), one without (frames copied) and a small one
    /// without a dictionary keeps each input's dictionary and every live document.
    func testMergeKeepsEachInputsDictionary() throws {
        let store = IndexStore.inMemory()
        var metas: [SegmentMeta] = []
        var expected: [[[StoredField]]] = []
        for (seed, count) in [(UInt64(3), 400), (4, 5), (5, 300)] {
            let (builder, documents) = try newsLikeSegment(seed: seed, documents: count)
            metas.append(try store.writeSegment(builder))
            expected.append(documents)
        }
        try store.commit(Manifest(generation: 1, segments: metas))
        let deleted: [UInt32] = [0, 7, 8, 9, 250, 399]
        metas[0] = try store.writeDeletes(deleted, in: try store.openSegment(metas[0]), generation: 2)
        try store.commit(Manifest(generation: 2, segments: metas))
        let merged = try store.openSegment(try XCTUnwrap(try store.merge(try metas.map { try store.openSegment($0) })))
        try merged.verify()
        XCTAssertEqual(merged.stored.dictionaries.entries.count, 2, "inputs 0 and 2 had one each")
        var live = expected[0].enumerated().filter { !deleted.contains(UInt32($0.offset)) }.map(\.element)
        let firstInputDocs = live.count
        live += expected[1] + expected[2]
        XCTAssertEqual(merged.documentCount, UInt32(live.count))
        for doc in 0..<live.count { XCTAssertEqual(try merged.storedFields(doc: UInt32(doc)), live[doc], "doc \(doc)") }
        var dictionaries: [UInt32] = []
        for block in 0..<merged.stored.blockCount {
            let entry = try merged.stored.entry(block)
            let expectedDictionary: UInt32 = entry.firstDoc < UInt32(firstInputDocs) ? 1
                : entry.firstDoc < UInt32(firstInputDocs + expected[1].count) ? 0 : 2
            XCTAssertEqual(entry.dictionary, expectedDictionary, "block \(block) from doc \(entry.firstDoc)")
            dictionaries.append(entry.dictionary)
        }
        XCTAssertEqual(Set(dictionaries), [0, 1, 2])
    }

    /// Flips across the dictionary and its index entry: a fetch that needs the dictionary, and `verify`,
    /// report the damage (dictionary bytes: naming the dictionary's first byte; index entry: the metadata
    /// checksum when the segment opens); never a crash, never a wrong document.
    func testDamagedDictionaryIsReportedBeforeUse() throws {
        let (builder, expected) = try newsLikeSegment(seed: 6, documents: 300)
        let store = IndexStore.inMemory()
        let meta = try store.writeSegment(builder)
        let intact = try store.openSegment(meta)
        let dictionary = try XCTUnwrap(intact.stored.dictionaries.entries.first)
        let original = try store.fileBytes(meta.fileName)
        let entry = intact.layout.range(.storedIndex).lowerBound + 4
        var offsets = Array(stride(from: dictionary.range.lowerBound, to: dictionary.range.upperBound,
                                   by: Swift.max(1, dictionary.range.count / 48)))
        offsets += Array(entry..<(entry + StoredIndexBuilder.dictionaryEntrySize))
        for offset in offsets {
            var bytes = original
            bytes[offset] ^= 0x20
            let file = FileBytes(name: meta.fileName, copying: bytes)
            guard let damaged = try? SegmentReader(meta: meta, bytes: file) else {
                XCTAssertTrue(offset >= entry, "only index damage is caught when the segment opens (byte \(offset))")
                continue
            }
            XCTAssertLessThan(offset, entry, "index entry damage must fail the metadata checksum (byte \(offset))")
            XCTAssertThrowsError(try damaged.storedFields(doc: 0)) { error in
                guard case let StorageError.corrupt(file, at, reason) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(file, meta.fileName)
                XCTAssertEqual(at, dictionary.range.lowerBound)
                XCTAssertTrue(reason.contains("stored-field dictionary"), reason)
            }
            XCTAssertThrowsError(try damaged.verify())
            XCTAssertEqual(try intact.storedFields(doc: 0), expected[0])
        }
    }

    /// Builders given one decision share its digested dictionary (digested once, not per builder: with 2
    /// indexing threads every job's builder digested it again), and their frames are exactly what a
    /// compressor digesting the dictionary itself writes: the sharing changes no byte.
    func testBuildersGivenOneDecisionShareItsDigestedDictionaryAndWriteTheSameFrames() throws {
        let (first, _) = try newsLikeSegment(seed: 4, documents: 150)
        try first.decideStoredDictionaryIfTrainable()
        let choice = try XCTUnwrap(first.storedDictionary)
        let dictionaryBytes = try XCTUnwrap(choice.bytes, "news-like text: a dictionary pays")
        let digested = try XCTUnwrap(choice.digested)
        let (_, documents) = try newsLikeSegment(seed: 5, documents: 120)
        let ownDigestion = try Zstd.Compressor(dictionary: dictionaryBytes)
        let store = IndexStore.inMemory()
        for _ in 0..<2 {
            let builder = SegmentBuilder(storedDictionary: choice)
            _ = try builder.fieldNumber(for: "body")
            for stored in documents {
                try builder.add(DocumentPostings(stored: stored, fieldLengths: [1], occurrences: []))
            }
            XCTAssertTrue(builder.buffer.stored.compressionDictionary === digested,
                          "compressed with the decision's digested dictionary, not one of its own")
            let meta = try store.writeSegment(builder)
            let reader = try store.openSegment(meta)
            try reader.verify()
            let file = try store.fileBytes(meta.fileName)
            XCTAssertGreaterThan(reader.stored.blockCount, 10)
            for block in 0..<reader.stored.blockCount {
                let entry = try reader.stored.entry(block)
                XCTAssertEqual(entry.dictionary, 1, "block \(block)")
                var raw = ByteReader(try reader.stored.decompress(entry))
                let expected = try ownDigestion.compress(try raw.readBytes(raw.remaining))
                XCTAssertEqual(Array(file[entry.range]), expected, "block \(block)")
            }
            for doc in [0, 57, 119] { XCTAssertEqual(try reader.storedFields(doc: UInt32(doc)), documents[doc]) }
        }
    }
}
