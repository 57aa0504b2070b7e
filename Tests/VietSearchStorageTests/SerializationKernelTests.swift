import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The pieces of segment serialisation made faster in session 7 give the bytes and decisions of the
/// plain versions: masked per-width packing, the chunked concurrent file checksum, and term data
/// sharing decided by byte comparison (bytes still buffered) or by hash (bytes drained).
final class SerializationKernelTests: XCTestCase {
    func testMaskedPackingEqualsPackingTheMaskedValues() {
        var generator = SeededGenerator(seed: 7)
        for width in 1...32 {
            let mask: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
            for count in [1, 7, 8, 9, 16, 100, 128] {
                let values = (0..<count).map { _ in UInt32(truncatingIfNeeded: generator.next()) }
                var masked: [UInt8] = [0x55]
                values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, mask: mask, into: &masked) }
                var plain: [UInt8] = [0x55]
                BitPacking.pack(values.map { $0 & mask }[...], width: width, into: &plain)
                XCTAssertEqual(masked, plain, "width \(width) count \(count)")
            }
        }
    }

    func testChunkedChecksumEqualsOnePassOverTheParts() {
        var generator = SeededGenerator(seed: 3)
        let sizes = [0, 1, 4_095, CRC32.concurrentChunkBytes + 17, 3, 2 * CRC32.concurrentChunkBytes, 100_000]
        let arrays = sizes.map { size in (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
        // Slices that do not start at 0, as the sections' parts do.
        let parts = arrays.map { $0.count > 2 ? $0[1...] : $0[...] }
        let whole = parts.flatMap { Array($0) }
        let seed = CRC32.checksum([1, 2, 3])
        let expected = CRC32.update(seed, whole[...])
        for threads in [1, 2, 3] {
            XCTAssertEqual(CRC32.update(seed, parts: parts, threads: threads), expected, "\(threads) threads")
        }
        XCTAssertEqual(CRC32.update(seed, parts: [], threads: 2), seed)
    }

    /// A term's postings: `docs` each with `frequency` positions 1, 3, 5, ... (as position values).
    private func buffer(docs: [UInt32], frequency: UInt32) -> TermPostingsBuffer {
        var buffer = TermPostingsBuffer()
        buffer.docs = docs
        buffer.frequencies = docs.map { _ in frequency }
        buffer.positions = docs.flatMap { _ in [1] + [UInt32](repeating: 1, count: Int(frequency) - 1) }
        buffer.positionsAreValues = true
        return buffer
    }

    func testEqualTermDataIsSharedWhileBufferedAndAfterBeingDrained() throws {
        var writer = PostingsWriter()
        let lengths = [UInt32](repeating: 10, count: 400)
        let common = buffer(docs: Array(0..<300).map { UInt32($0) }, frequency: 2)
        let other = buffer(docs: Array(0..<300).map { UInt32($0) + 1 }, frequency: 2)
        let first = try writer.append(common, field: 1, fieldLengths: lengths)
        XCTAssertFalse(first.isShared)
        let again = try writer.append(common, field: 1, fieldLengths: lengths)
        XCTAssertTrue(again.isShared, "equal bytes still in the buffers are shared")
        XCTAssertEqual(again.postingsOffset, first.postingsOffset)
        XCTAssertEqual(again.positionsOffset, first.positionsOffset)
        let different = try writer.append(other, field: 1, fieldLengths: lengths)
        XCTAssertFalse(different.isShared)
        let drained = writer.drain()
        XCTAssertEqual(UInt64(drained.postings.count), first.postingsLength + different.postingsLength)
        let afterDrain = try writer.append(common, field: 1, fieldLengths: lengths)
        XCTAssertTrue(afterDrain.isShared, "equal bytes already drained are recognised by their hash")
        XCTAssertEqual(afterDrain.postingsOffset, first.postingsOffset)
        XCTAssertEqual(writer.postings.count, 0, "a shared term writes nothing")
        let otherField = try writer.append(common, field: 2, fieldLengths: lengths)
        XCTAssertFalse(otherField.isShared, "sharing stays within a field")
    }
}
