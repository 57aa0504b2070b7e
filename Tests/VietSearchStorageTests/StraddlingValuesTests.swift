import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// `PositionsDecoder.documentValues`, the phrase join's read, for documents whose values straddle two
/// position blocks (kept side by side in the decoder's buffer) or more (gathered), mixed with reads inside
/// one block, after skips of every length, into the varint tail, with exceptions, and from decoder copies:
/// every read against the values written.
final class StraddlingValuesTests: XCTestCase {
    /// Terms of random documents (tfs 1–4, some 60–300: such documents cross one or more block ends),
    /// values narrow or wide (wide ones make exceptions), read in postings-block order from each block's
    /// anchor as a cursor does, skipping a random number of documents (none, a few, more than a block's values).
    func testDocumentValuesAfterSkipsMatchTheValuesWritten() throws {
        // The kernels unpack a block's first read group by group; without them the block is unpacked whole.
        let wereOn = BitPacking.setKernelsEnabled(true)
        defer { BitPacking.setKernelsEnabled(wereOn) }
        try checkDocumentValuesAfterSkips(seed: 0x5eed_0015)
        BitPacking.setKernelsEnabled(false)
        try checkDocumentValuesAfterSkips(seed: 0x5eed_0016)
    }

    private func checkDocumentValuesAfterSkips(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var straddlingReads = 0, followingReads = 0
        for trial in 0..<120 {
            let documentCount = Int.random(in: 1...500, using: &generator)
            var frequencies: [Int] = []
            for _ in 0..<documentCount {
                let long = Int.random(in: 0..<6, using: &generator) == 0
                frequencies.append(long ? Int.random(in: 60...300, using: &generator) : Int.random(in: 1...4, using: &generator))
            }
            var values: [UInt32] = []
            var firstValue: [Int] = []
            for frequency in frequencies {
                firstValue.append(values.count)
                for _ in 0..<frequency {
                    // Mostly narrow values with a few wide ones: the encoder picks exceptions for those.
                    let wide = Int.random(in: 0..<20, using: &generator) == 0
                    values.append(wide ? UInt32.random(in: 1_000...(1 << 20), using: &generator)
                                       : UInt32.random(in: 0...[3, 40, 900][trial % 3], using: &generator))
                }
            }
            var encoder = PositionsEncoder()
            var out: [UInt8] = [], starts: [Int] = []
            encoder.append(values, to: &out, blockStarts: &starts)
            let bytes = FileBytes(name: "trial \(trial)", copying: out + [UInt8](repeating: 0xff, count: 8))
            var decoder = PositionsDecoder(range: 0..<out.count, valueCount: UInt64(values.count))
            var copies: [PositionsDecoder] = []
            for block in stride(from: 0, to: documentCount, by: 128) {
                let anchor = firstValue[block]
                try decoder.anchor(offset: UInt32(starts[anchor / 128]), index: UInt32(anchor), bytes: bytes, entryOffset: 0)
                var doc = block
                var previousStraddled = false
                while doc < Swift.min(block + 128, documentCount) {
                    let count = frequencies[doc], index = firstValue[doc]
                    let read = try decoder.documentValues(count, at: index, bytes: bytes, doc: UInt32(doc))
                    XCTAssertEqual(Array(UnsafeBufferPointer(start: read, count: count)), Array(values[index..<(index + count)]),
                                   "trial \(trial) doc \(doc)")
                    if index >> 7 != (index + count - 1) >> 7 { straddlingReads += 1 }
                    if previousStraddled { followingReads += 1 }
                    previousStraddled = index >> 7 != (index + count - 1) >> 7
                    // A copy reads on from here later: it must not see this decoder's later fills.
                    if Int.random(in: 0..<40, using: &generator) == 0 { copies.append(decoder) }
                    let skip = [0, 0, 0, 1, 2, 5, 40][Int.random(in: 0..<7, using: &generator)]
                    doc += 1 + skip
                }
            }
            for var copy in copies {
                let doc = Int.random(in: 0..<documentCount, using: &generator)
                let anchorDoc = doc / 128 * 128, anchor = firstValue[anchorDoc]
                try copy.anchor(offset: UInt32(starts[anchor / 128]), index: UInt32(anchor), bytes: bytes, entryOffset: 0)
                let count = frequencies[doc], index = firstValue[doc]
                let read = try copy.documentValues(count, at: index, bytes: bytes, doc: UInt32(doc))
                XCTAssertEqual(Array(UnsafeBufferPointer(start: read, count: count)), Array(values[index..<(index + count)]),
                               "trial \(trial) copy, doc \(doc)")
            }
        }
        XCTAssertGreaterThan(straddlingReads, 500, "documents crossing block ends were read")
        XCTAssertGreaterThan(followingReads, 500, "reads right after a straddling one")
    }

    /// Fixed layouts: documents of 100 values from value 0 straddle blocks 0/1, 1/2 (the second block moved
    /// down to the buffer's first half), then 2/tail; reads back inside the blocks just unpacked; a document
    /// of 300 values (three blocks, gathered); a jump over blocks to a straddling document.
    func testStraddlesInSequenceIntoTheTailAndAcrossThreeBlocks() throws {
        let wereOn = BitPacking.setKernelsEnabled(true)
        defer { BitPacking.setKernelsEnabled(wereOn) }
        try checkStraddlesInSequence()
        BitPacking.setKernelsEnabled(false)
        try checkStraddlesInSequence()
    }

    private func checkStraddlesInSequence() throws {
        // 4 packed blocks and a tail of 50; value v = (v * 7) mod 11, with a wide one every 37 (exceptions).
        var values: [UInt32] = []
        for index in 0..<562 {
            let value: Int = index % 37 == 0 ? 5_000 + index : index * 7 % 11
            values.append(UInt32(value))
        }
        var encoder = PositionsEncoder()
        var out: [UInt8] = [], starts: [Int] = []
        encoder.append(values, to: &out, blockStarts: &starts)
        let bytes = FileBytes(name: "fixed", copying: out + [UInt8](repeating: 0xff, count: 8))
        func check(_ decoder: inout PositionsDecoder, _ index: Int, _ count: Int, _ note: String) throws {
            let read = try decoder.documentValues(count, at: index, bytes: bytes, doc: 0)
            XCTAssertEqual(Array(UnsafeBufferPointer(start: read, count: count)), Array(values[index..<(index + count)]), note)
        }
        var decoder = PositionsDecoder(range: 0..<out.count, valueCount: UInt64(values.count))
        try check(&decoder, 0, 100, "block 0")
        try check(&decoder, 100, 100, "straddles 0/1")
        try check(&decoder, 200, 100, "straddles 1/2: block 1 from the second half")
        try check(&decoder, 130, 5, "back in block 1, not in the buffer any more")
        try check(&decoder, 250, 6, "block 1 again")
        try check(&decoder, 380, 130, "straddles 2/3 after a refill")
        try check(&decoder, 300, 10, "block 2")
        try check(&decoder, 500, 62, "straddles 3/tail")
        try check(&decoder, 520, 42, "inside the tail")
        try check(&decoder, 500, 10, "block 3 held beside the tail")
        var other = PositionsDecoder(range: 0..<out.count, valueCount: UInt64(values.count))
        try check(&other, 10, 300, "three blocks, gathered")
        try check(&other, 250, 10, "block 1 after the gather")
        try check(&other, 380, 5, "block 2")
        var sparse = PositionsDecoder(range: 0..<out.count, valueCount: UInt64(values.count))
        try check(&sparse, 37, 2, "block 0's first read: group 4 alone, an exception at slot 37")
        try check(&sparse, 40, 3, "the next group: block 0 whole")
        try check(&sparse, 0, 2, "slot 0, an exception, from the whole block")
        try check(&sparse, 148, 1, "block 1's first read: an exception at slot 20")
        try check(&sparse, 262, 4, "block 2's first read: groups 0 and 1")
        try check(&sparse, 265, 1, "inside them")
        try check(&sparse, 259, 1, "block 2 whole")
        try check(&sparse, 420, 2, "block 3's first read")
        try check(&sparse, 383, 2, "straddles 2/3 after a partial read of block 3")
        try check(&sparse, 430, 5, "block 3 whole, beside block 2")
        var jumping = PositionsDecoder(range: 0..<out.count, valueCount: UInt64(values.count))
        try check(&jumping, 3, 2, "block 0")
        try check(&jumping, 500, 60, "a jump to a straddle of 3/tail")
        try check(&jumping, 127, 2, "back: 0/1 from the start")
        XCTAssertThrowsError(try check(&jumping, 560, 3, "past the term's values"))
    }
}
