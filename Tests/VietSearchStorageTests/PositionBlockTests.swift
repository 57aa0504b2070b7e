import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The positions encoding of FORMAT.md ("Positions"): the worked block byte for byte, round trips of
/// random terms read document by document from every skip anchor, and damaged blocks reported as corrupt.
final class PositionBlockTests: XCTestCase {
    /// FORMAT.md's worked position block: values `slot mod 4`, except slot 5 = 1000 and slot 70 = 300.
    static let workedValues: [UInt32] = (0..<128).map { $0 == 5 ? 1000 : $0 == 70 ? 300 : UInt32($0 % 4) }

    /// In a segment, other sections and the footer follow the positions: the decoder's word loads may
    /// read up to 7 bytes past a block (never past the file).
    static let followingBytes = [UInt8](repeating: 0xff, count: 8)

    func testWorkedBlockIsWrittenByteForByte() throws {
        var encoder = PositionsEncoder()
        var out: [UInt8] = [], starts: [Int] = []
        encoder.append(Self.workedValues + [7], to: &out, blockStarts: &starts)
        // width 2, 2 exceptions of 8 high bits; 32 bytes of 2-bit values (0,1,2,3 → e4; slot 5 and slot 70
        // keep their low bits 00); slots 5 and 70; high bits 1000 >> 2 = 250, 300 >> 2 = 75; tail varint 7.
        var expected: [UInt8] = [0x02, 0x02, 0x08, 0xe4, 0xe0]
        expected += [UInt8](repeating: 0xe4, count: 15) + [0xc4] + [UInt8](repeating: 0xe4, count: 14)
        expected += [0x05, 0x46, 0xfa, 0x4b, 0x07]
        XCTAssertEqual(out, expected)
        XCTAssertEqual(starts, [0, 39])

        var decoder = PositionsDecoder(range: 0..<out.count, valueCount: 129)
        let bytes = FileBytes(name: "worked", copying: out + Self.followingBytes)
        // Doc A: values 0, 1, 2 → positions 0, 2, 5; doc B: values 0, 1000, 2 (slots 4–6) → 0, 1001, 1004;
        // the last doc straddles the block and the tail: slot 127 (3) then 7 → 3, 11.
        XCTAssertEqual(try read(&decoder, bytes, 3, at: 0), [0, 2, 5])
        XCTAssertEqual(try read(&decoder, bytes, 3, at: 4), [0, 1001, 1004])
        XCTAssertEqual(try read(&decoder, bytes, 2, at: 127), [3, 11])
        XCTAssertEqual(try read(&decoder, bytes, 1, at: 70), [300], "back within a decoded block")
    }

    /// Random terms (narrow and very wide gaps, documents of 1 to 300 positions) read per document in
    /// postings-block order from each block's anchor, skipping documents, as the cursor does.
    func testRandomTermsRoundTripFromEveryAnchor() throws {
        var generator = SeededGenerator(seed: 0x5eed_0004)
        for trial in 0..<60 {
            var documents: [[UInt32]] = []
            let documentCount = Int.random(in: 1...400, using: &generator)
            let spread: UInt32 = [8, 200, 5_000, 1 << 20, UInt32.max / 512][trial % 5]
            for _ in 0..<documentCount {
                let frequency = Int.random(in: 0..<10, using: &generator) == 0 ? Int.random(in: 100...300, using: &generator)
                    : Int.random(in: 1...4, using: &generator)
                var position = UInt32.random(in: 0...spread, using: &generator)
                var positions: [UInt32] = []
                for _ in 0..<frequency {
                    positions.append(position)
                    position &+= UInt32.random(in: 1...spread, using: &generator)
                    if position < positions.last! { break }
                }
                documents.append(positions)
            }
            var values: [UInt32] = []
            var firstValue: [Int] = []
            for positions in documents {
                firstValue.append(values.count)
                values.append(positions[0])
                for index in 1..<positions.count { values.append(positions[index] - positions[index - 1] - 1) }
            }
            var encoder = PositionsEncoder()
            var out: [UInt8] = [], starts: [Int] = []
            encoder.append(values, to: &out, blockStarts: &starts)
            XCTAssertEqual(starts.count, values.count / 128 + 1)
            let bytes = FileBytes(name: "trial \(trial)", copying: out + Self.followingBytes)
            var decoder = PositionsDecoder(range: 0..<out.count, valueCount: UInt64(values.count))
            for block in stride(from: 0, to: documents.count, by: 128) {
                let anchor = firstValue[block]
                try decoder.anchor(offset: UInt32(starts[anchor / 128]), index: UInt32(anchor), bytes: bytes, entryOffset: 0)
                for doc in block..<Swift.min(block + 128, documents.count) where (doc + trial) % 3 != 1 {
                    let positions = documents[doc]
                    XCTAssertEqual(try read(&decoder, bytes, positions.count, at: firstValue[doc]), positions, "trial \(trial) doc \(doc)")
                }
            }
        }
    }

    func testDamagedBlocksAreCorruptNamingTheirOffset() throws {
        var encoder = PositionsEncoder()
        var valid: [UInt8] = [], starts: [Int] = []
        encoder.append(Self.workedValues + Self.workedValues, to: &valid, blockStarts: &starts)
        XCTAssertEqual(starts, [0, 39, 78])
        let cases: [(String, (inout [UInt8]) -> Void, Int)] = [
            ("width above 32", { $0[39] = 33 }, 39),
            ("more than 128 exceptions", { $0[40] = 129 }, 39),
            ("exception width 0", { $0[41] = 0 }, 39),
            ("width + exception width above 32", { $0[41] = 31 }, 39),
            ("exception slots not ascending", { $0[39 + 36] = 0x05 }, 39),
            ("block runs past the term", { $0.removeLast(1) }, 39),
        ]
        for (name, damage, offset) in cases {
            var bytes = valid
            damage(&bytes)
            var decoder = PositionsDecoder(range: 0..<bytes.count, valueCount: 256)
            let file = FileBytes(name: "damaged", copying: bytes + Self.followingBytes)
            XCTAssertEqual(try read(&decoder, file, 2, at: 0), [0, 2], "\(name): the first block is intact")
            XCTAssertThrowsError(try read(&decoder, file, 2, at: 130), name) { error in
                guard case let StorageError.corrupt(file, reported, reason) = error else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(file, "damaged")
                XCTAssertEqual(reported, offset, "\(name): \(reason)")
            }
        }
        // Word loads never read past the file: a block ending within 7 bytes of it is reported, not read.
        var atEnd = PositionsDecoder(range: 0..<valid.count, valueCount: 256)
        XCTAssertThrowsError(try read(&atEnd, FileBytes(name: "end", copying: valid), 2, at: 130)) { error in
            guard case StorageError.corrupt(_, 39, _) = error else { return XCTFail("\(error)") }
        }
        // A position past 2^32 − 1: first position near the top, then a gap that overflows.
        var overflowing: [UInt8] = []
        encoder.append([UInt32.max - 1, 5], to: &overflowing, blockStarts: &starts)
        var decoder = PositionsDecoder(range: 0..<overflowing.count, valueCount: 2)
        XCTAssertThrowsError(try read(&decoder, FileBytes(name: "overflow", copying: overflowing + Self.followingBytes), 2, at: 0))
        var reading = PositionsDecoder(range: 0..<valid.count, valueCount: 256)
        XCTAssertThrowsError(try read(&reading, FileBytes(name: "short", copying: valid + Self.followingBytes), 3, at: 254), "past the term's values")
    }

    /// `check` compares every skip entry's positions pair with the term's blocks: a wrong value index (or
    /// block offset) with every checksum recomputed would read another document's positions silently.
    func testCheckFindsASkipEntryNamingTheWrongPositions() throws {
        let builder = SegmentBuilder()
        let body = try builder.fieldNumber(for: "body")
        for doc in 0..<300 {
            // Term "a" at 0 and doc + 1: 600 values, so block 1's first doc starts at value 256 (block 2).
            let occurrences = [TermOccurrence(field: body, term: Array("a".utf8), position: 0),
                               TermOccurrence(field: body, term: Array("a".utf8), position: UInt32(doc + 1))]
            try builder.add(DocumentPostings(stored: [StoredField(name: "id", value: "\(doc)")], fieldLengths: [UInt32(doc + 2)],
                                             occurrences: occurrences))
        }
        let store = IndexStore.inMemory()
        let meta = try store.writeSegment(builder)
        let intact = try store.openSegment(meta)
        try intact.verify()
        let info = try XCTUnwrap(try intact.termInfo(field: body, term: Array("a".utf8)))
        var cursor = try intact.postings(info)
        XCTAssertEqual(try cursor.advance(to: 200), 200)
        XCTAssertEqual(try cursor.positions(), [0, 201], "read from block 1's skip entry")

        // Skip entry 1: positionsBlock at +16, positionsIndex at +20.
        let entry = intact.layout.range(.postings).lowerBound + Int(info.postingsOffset) + PostingsWriter.skipEntrySize + 20
        var damaged = try store.fileBytes(meta.fileName)
        XCTAssertEqual(damaged[entry], 0x00)
        XCTAssertEqual(damaged[entry + 1], 0x01, "value index 256")
        damaged[entry] = 0x02  // 258: the next document's values
        damaged = SegmentResealer.reseal(damaged)
        try store.overwriteFile(meta.fileName, with: damaged)
        var resealed = meta
        resealed.checksum = FileFormat.storedChecksum(of: damaged)
        XCTAssertThrowsError(try store.openSegment(resealed).verify()) { error in
            guard case let StorageError.corrupt(_, offset, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(offset, entry - 4)
            XCTAssertTrue(reason.contains("skip entry's positions"), reason)
        }
    }

    private func read(_ decoder: inout PositionsDecoder, _ bytes: FileBytes, _ count: Int, at index: Int) throws -> [UInt32] {
        var buffer = [UInt32](repeating: 0, count: count + 2)
        try buffer.withUnsafeMutableBufferPointer { output in
            try decoder.read(count, at: index, bytes: bytes, doc: 0, into: output, at: 1)
        }
        return Array(buffer[1...count])
    }
}
