import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Posting lists of many lengths (around the 128-doc block boundaries) against a plain model:
/// linear scans, `advance(to:)` against a lower-bound search, positions after skips, block bounds.
final class PostingsTests: XCTestCase {
    private struct Fixture {
        var reader: SegmentReader
        /// term name -> sorted (doc, positions)
        var lists: [String: [(doc: UInt32, positions: [UInt32])]]
        var bodyLengths: [UInt32]
    }

    private static let documentCount = 2_600
    private static let lengths = [0, 1, 2, 3, 64, 126, 127, 128, 129, 130, 255, 256, 257, 383, 384, 385, 511, 512, 513, 999, 1000, 2_600]

    private func makeFixture(seed: UInt64) throws -> Fixture {
        var generator = SeededGenerator(seed: seed)
        var lists: [String: [(doc: UInt32, positions: [UInt32])]] = [:]
        var perDoc = [[TermOccurrence]](repeating: [], count: Self.documentCount)
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        var names = Self.lengths.map { "len\($0)" }
        var sizes = Self.lengths
        for extra in 0..<20 {
            names.append("rnd\(extra)")
            sizes.append(Int.random(in: 0...1_000, using: &generator))
        }
        for (name, size) in zip(names, sizes) {
            let docs = Array(0..<UInt32(Self.documentCount)).shuffled(using: &generator).prefix(size).sorted()
            var list: [(doc: UInt32, positions: [UInt32])] = []
            for doc in docs {
                // Mostly small frequencies, sometimes a large one so frequency widths vary.
                let frequency = Int.random(in: 0..<30, using: &generator) == 0 ? Int.random(in: 50...400, using: &generator)
                                                                               : Int.random(in: 1...4, using: &generator)
                var positions = Set<UInt32>()
                while positions.count < frequency { positions.insert(UInt32.random(in: 0..<5_000, using: &generator)) }
                let sorted = positions.sorted()
                list.append((doc, sorted))
                for position in sorted {
                    perDoc[Int(doc)].append(TermOccurrence(field: body, term: Array(name.utf8), position: position))
                }
            }
            lists[name] = list
        }
        var bodyLengths: [UInt32] = []
        for doc in 0..<Self.documentCount {
            let length = UInt32.random(in: 0...6_000, using: &generator)
            bodyLengths.append(length)
            try builder.add(DocumentPostings(stored: [], fieldLengths: [length], occurrences: perDoc[doc]))
        }
        let store = IndexStore.inMemory()
        let meta = try store.writeSegment(builder)
        return Fixture(reader: try store.openSegment(meta), lists: lists, bodyLengths: bodyLengths)
    }

    func testLinearScanMatchesModelForEveryLength() throws {
        let fixture = try makeFixture(seed: 3)
        for (name, list) in fixture.lists {
            guard let info = try fixture.reader.termInfo(field: 0, term: Array(name.utf8)) else {
                XCTAssertTrue(list.isEmpty, "\(name) missing")
                continue
            }
            XCTAssertEqual(Int(info.documentFrequency), list.count)
            var cursor = try fixture.reader.postings(info)
            var index = 0
            while try cursor.nextDoc() != PostingsCursor.noMoreDocs {
                XCTAssertEqual(cursor.doc, list[index].doc, name)
                XCTAssertEqual(Int(cursor.termFrequency), list[index].positions.count, name)
                // Ask for positions only every third doc: the skipped docs' positions must be stepped over.
                if index % 3 == 0 { XCTAssertEqual(try cursor.positions(), list[index].positions, name) }
                let impact = cursor.blockMaxImpact
                let block = index / 128
                let blockDocs = list[(block * 128)..<Swift.min(list.count, block * 128 + 128)]
                XCTAssertEqual(impact.lastDoc, blockDocs.last?.doc)
                XCTAssertEqual(Int(impact.termFrequency), blockDocs.map { $0.positions.count }.max())
                XCTAssertEqual(impact.fieldLength, blockDocs.map { fixture.bodyLengths[Int($0.doc)] }.min())
                index += 1
            }
            XCTAssertEqual(index, list.count, name)
            XCTAssertEqual(try cursor.nextDoc(), PostingsCursor.noMoreDocs, "stays exhausted")
            XCTAssertEqual(try cursor.advance(to: 0), PostingsCursor.noMoreDocs, "stays exhausted")
        }
    }

    func testAdvanceMatchesLowerBoundSearch() throws {
        let fixture = try makeFixture(seed: 5)
        var generator = SeededGenerator(seed: 99)
        for (name, list) in fixture.lists {
            guard let info = try fixture.reader.termInfo(field: 0, term: Array(name.utf8)) else { continue }
            for _ in 0..<20 {
                var cursor = try fixture.reader.postings(info)
                var current: UInt32? = nil
                var index = 0  // model position of the next candidate
                var buffer: [UInt32] = [99, 98]
                for _ in 0..<40 {
                    if Bool.random(using: &generator) {
                        // Jump: sometimes small (inside the block), sometimes far (across blocks).
                        let base = current ?? 0
                        let step = UInt32.random(in: 0...(Bool.random(using: &generator) ? 20 : 600), using: &generator)
                        let target = base + step
                        let got = try cursor.advance(to: target)
                        if let current, current >= target {
                            XCTAssertEqual(got, current, "advance never moves backwards")
                            continue
                        }
                        while index < list.count && list[index].doc < target { index += 1 }
                    } else {
                        _ = try cursor.nextDoc()
                        if current != nil { index += 1 }
                        if current == nil { index = 0 }
                    }
                    let expected = index < list.count ? list[index].doc : PostingsCursor.noMoreDocs
                    XCTAssertEqual(cursor.doc, expected, "\(name)")
                    if expected == PostingsCursor.noMoreDocs { break }
                    current = expected
                    // The reusing variant, with a buffer that still holds the previous doc's positions.
                    try cursor.positions(into: &buffer)
                    XCTAssertEqual(buffer, list[index].positions, "\(name) doc \(expected)")
                }
            }
        }
    }

    /// The whole-list accessors used by MaxScore: one (max tf, min length) pair per 128-doc block, and
    /// every doc marked in a bitset, for every list length around the block boundaries.
    func testBlockBoundsAndDocMarkingMatchModel() throws {
        let fixture = try makeFixture(seed: 7)
        for (name, list) in fixture.lists {
            guard let info = try fixture.reader.termInfo(field: 0, term: Array(name.utf8)) else { continue }
            var cursor = try fixture.reader.postings(info)
            var bounds: [(UInt32, UInt32)] = []
            try cursor.forEachBlockBound { bounds.append(($0, $1)) }
            let expected = stride(from: 0, to: list.count, by: 128).map { start in
                let block = list[start..<Swift.min(list.count, start + 128)]
                return (UInt32(block.map { $0.positions.count }.max() ?? 0),
                        block.map { fixture.bodyLengths[Int($0.doc)] }.min() ?? 0)
            }
            XCTAssertEqual(bounds.map(\.0), expected.map(\.0), name)
            XCTAssertEqual(bounds.map(\.1), expected.map(\.1), name)
            // Block by block from the skip table (block-max pruning): the same pairs and each block's last doc;
            // a list without a skip table is one block whose last doc is unknown before decoding.
            XCTAssertEqual(cursor.blockTotal, expected.count, name)
            // The skip table view scorers keep beside the cursor (`TermLeaf`) reads the same entries.
            let view = cursor.skipTableView
            XCTAssertEqual(view.blockCount, expected.count, name)
            for block in 0..<view.blockCount {
                let direct = try cursor.blockBounds(block), viewed = try view.blockBounds(block)
                XCTAssertEqual([direct.lastDoc, direct.maxFrequency, direct.minFieldLength],
                               [viewed.lastDoc, viewed.maxFrequency, viewed.minFieldLength], "\(name) block \(block)")
            }
            for block in 0..<cursor.blockTotal {
                let entry = try cursor.blockBounds(block)
                let lastDoc = list.count < 128 ? PostingsCursor.noMoreDocs - 1 : list[Swift.min(list.count, block * 128 + 128) - 1].doc
                XCTAssertEqual(entry.lastDoc, lastDoc, "\(name) block \(block)")
                XCTAssertEqual(entry.maxFrequency, expected[block].0, "\(name) block \(block)")
                XCTAssertEqual(entry.minFieldLength, expected[block].1, "\(name) block \(block)")
            }

            var bits = [UInt64](repeating: 0, count: (Self.documentCount + 63) / 64)
            try cursor.markRemainingDocs(in: &bits)
            let marked = (0..<Self.documentCount).filter { bits[$0 >> 6] >> UInt64($0 & 63) & 1 == 1 }
            XCTAssertEqual(marked.map(UInt32.init), list.map(\.doc), name)
            XCTAssertEqual(try cursor.nextDoc(), PostingsCursor.noMoreDocs, "\(name): exhausted after marking")
            // A bitset too short for the list's last document is an error, not a write past its end.
            if let last = list.last, last.doc >= 64 {
                var short = [UInt64](repeating: 0, count: Int(last.doc) >> 6)
                var fresh = try fixture.reader.postings(info)
                XCTAssertThrowsError(try fresh.markRemainingDocs(in: &short), name)
            }
        }
    }

    /// Positions far apart (3- and 4-byte gaps) and long runs of skipped positions, read through every
    /// accessor: `readPositions` into a longer reused buffer, the same document twice, `appendPositions`,
    /// and the frequency getters before and after the block's frequencies are unpacked.
    func testPositionReadingMatchesModelWithLargeGapsAndLongSkips() throws {
        var generator = SeededGenerator(seed: 21)
        let documentCount = 700
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        var model: [(doc: UInt32, positions: [UInt32])] = []
        var perDoc = [[TermOccurrence]](repeating: [], count: documentCount)
        for doc in 0..<UInt32(documentCount) where Int.random(in: 0..<3, using: &generator) > 0 {
            let frequency = Int.random(in: 1...(Bool.random(using: &generator) ? 3 : 200), using: &generator)
            let range: ClosedRange<UInt32> = Bool.random(using: &generator) ? 0...500 : 0...3_000_000
            var positions = Set<UInt32>()
            while positions.count < frequency { positions.insert(UInt32.random(in: range, using: &generator)) }
            let sorted = positions.sorted()
            model.append((doc, sorted))
            perDoc[Int(doc)] = sorted.map { TermOccurrence(field: body, term: Array("far".utf8), position: $0) }
        }
        for doc in 0..<documentCount {
            try builder.add(DocumentPostings(stored: [], fieldLengths: [10], occurrences: perDoc[doc]))
        }
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(builder))
        let info = try XCTUnwrap(try reader.termInfo(field: 0, term: Array("far".utf8)))
        var cursor = try reader.postings(info)
        var buffer = [UInt32](repeating: 7, count: 500)
        var concatenated: [UInt32] = []
        var expectedConcatenation: [UInt32] = []
        for (index, entry) in model.enumerated() {
            XCTAssertEqual(try cursor.nextDoc(), entry.doc)
            XCTAssertEqual(Int(cursor.termFrequency), entry.positions.count, "getter on a packed block")
            guard index % 5 != 1 else { continue }  // skipped documents' positions are stepped over
            let count = try cursor.readPositions(into: &buffer, at: 3)
            XCTAssertEqual(count, entry.positions.count)
            XCTAssertEqual(Array(buffer[3..<(3 + count)]), entry.positions, "doc \(entry.doc)")
            XCTAssertEqual(Array(buffer[0..<3]), [7, 7, 7], "nothing written before the start")
            XCTAssertEqual(Int(cursor.currentFrequency()), entry.positions.count)
            if index % 4 == 0 {
                XCTAssertEqual(try cursor.positions(), entry.positions, "the same document read twice")
                try cursor.appendPositions(to: &concatenated)
                expectedConcatenation += entry.positions
            }
        }
        XCTAssertEqual(concatenated, expectedConcatenation)
        XCTAssertEqual(try cursor.nextDoc(), PostingsCursor.noMoreDocs)
    }

    /// `readPositions(into:capacity:)` (memory the caller owns, phrase matching) reads what the array
    /// variant reads, interleaved with it and with skipped documents, and a buffer too small for the
    /// document's positions is an error, not a write past it.
    func testPositionReadingIntoCallerMemoryMatchesModel() throws {
        var generator = SeededGenerator(seed: 22)
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        var model: [(doc: UInt32, positions: [UInt32])] = []
        for doc in 0..<UInt32(900) {
            var occurrences: [TermOccurrence] = []
            if Int.random(in: 0..<4, using: &generator) > 0 {
                var positions = Set<UInt32>()
                let frequency = Int.random(in: 1...(Bool.random(using: &generator) ? 4 : 60), using: &generator)
                while positions.count < frequency { positions.insert(UInt32.random(in: 0...2_000, using: &generator)) }
                model.append((doc, positions.sorted()))
                occurrences = positions.sorted().map { TermOccurrence(field: body, term: Array("gần".utf8), position: $0) }
            }
            try builder.add(DocumentPostings(stored: [], fieldLengths: [10], occurrences: occurrences))
        }
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(builder))
        var cursor = try reader.postings(try XCTUnwrap(try reader.termInfo(field: 0, term: Array("gần".utf8))))
        let capacity = 64
        let memory = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity + 1)
        defer { memory.deallocate() }
        memory[capacity] = 0xdead
        var array: [UInt32] = []
        var tooSmall = 0
        for (index, entry) in model.enumerated() {
            XCTAssertEqual(try cursor.nextDoc(), entry.doc)
            guard index % 7 != 3 else { continue }  // skipped documents' positions are stepped over
            if index % 5 == 0 {
                let count = try cursor.readPositions(into: &array)
                XCTAssertEqual(Array(array[0..<count]), entry.positions, "array, doc \(entry.doc)")
            }
            if entry.positions.count < 4 {
                XCTAssertThrowsError(try cursor.readPositions(into: memory, capacity: entry.positions.count - 1))
                tooSmall += 1
            }
            let count = try cursor.readPositions(into: memory, capacity: capacity)
            XCTAssertEqual(Array(UnsafeBufferPointer(start: memory, count: count)), entry.positions, "doc \(entry.doc)")
            XCTAssertEqual(memory[capacity], 0xdead, "nothing written past the capacity")
        }
        XCTAssertGreaterThan(tooSmall, 10)
        XCTAssertEqual(try cursor.nextDoc(), PostingsCursor.noMoreDocs)
    }

    func testEmptyCursorIsExhausted() throws {
        var cursor = PostingsCursor.empty()
        XCTAssertEqual(try cursor.nextDoc(), PostingsCursor.noMoreDocs)
        XCTAssertEqual(try cursor.advance(to: 5), PostingsCursor.noMoreDocs)
        XCTAssertEqual(try cursor.positions(), [])
    }
}
