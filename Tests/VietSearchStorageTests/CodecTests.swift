import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Round-trip property tests for the primitive encoders: varints, fixed-width integers, bit-packing.
final class CodecTests: XCTestCase {
    func testVarintsRoundTripAndUseMinimalLength() throws {
        var generator = SeededGenerator(seed: 7)
        var values: [UInt64] = [0, 1, 127, 128, 255, 16_383, 16_384, UInt64(UInt32.max), UInt64.max - 1, UInt64.max]
        for _ in 0..<5_000 {
            let bits = UInt64.random(in: 0...64, using: &generator)
            values.append(bits == 64 ? generator.next() : generator.next() & ((1 << bits) - 1))
        }
        var bytes: [UInt8] = []
        for value in values { bytes.appendVarint(value) }
        let file = FileBytes(name: "varints", copying: bytes)
        var reader = ByteReader(file)
        for value in values {
            let start = reader.offset
            XCTAssertEqual(try reader.readVarint(), value)
            let expectedLength = value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
            XCTAssertEqual(reader.offset - start, expectedLength, "length of \(value)")
        }
        XCTAssertTrue(reader.isAtEnd)
    }

    func testMalformedVarintsThrowCorruptWithOffset() {
        let cases: [([UInt8], Int)] = [
            ([0x80], 0),                                   // runs past the end
            ([0x01, 0xff, 0xff], 1),                       // second varint truncated
            ([UInt8](repeating: 0xff, count: 11), 0),      // longer than 10 bytes
            ([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], 0), // overflows 64 bits
        ]
        for (bytes, offset) in cases {
            var reader = ByteReader(FileBytes(name: "bad", copying: bytes))
            XCTAssertThrowsError(try { _ = try reader.readVarint(); _ = try reader.readVarint() }()) { error in
                guard case let StorageError.corrupt(file, errorOffset, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(file, "bad")
                XCTAssertEqual(errorOffset, offset, "\(bytes)")
            }
        }
        var reader = ByteReader(FileBytes(name: "big", copying: [0x80, 0x80, 0x80, 0x80, 0x10]))
        XCTAssertThrowsError(try reader.readVarint32())
    }

    func testFixedWidthIntegersAreLittleEndian() throws {
        var bytes: [UInt8] = []
        bytes.appendUInt16(0x0102)
        bytes.appendUInt32(0x0304_0506)
        bytes.appendUInt64(0x0708_090a_0b0c_0d0e)
        XCTAssertEqual(bytes, [0x02, 0x01, 0x06, 0x05, 0x04, 0x03, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08, 0x07])
        var reader = ByteReader(FileBytes(name: "ints", copying: bytes))
        XCTAssertEqual(try reader.readUInt16(), 0x0102)
        XCTAssertEqual(try reader.readUInt32(), 0x0304_0506)
        XCTAssertEqual(try reader.readUInt64(), 0x0708_090a_0b0c_0d0e)
        XCTAssertThrowsError(try reader.readUInt8())
    }

    func testBitPackingRoundTripsEveryWidth() throws {
        var generator = SeededGenerator(seed: 11)
        for width in 0...32 {
            for count in [0, 1, 7, 8, 63, 127, 128, 129, 1000] {
                let mask: UInt64 = width == 32 ? 0xffff_ffff : (1 << UInt64(width)) - 1
                var values = (0..<count).map { _ in UInt32(generator.next() & mask) }
                if count > 0 { values[0] = UInt32(mask) }  // the widest value must survive
                var packed: [UInt8] = [0xAA]  // a leading byte proves packing appends
                BitPacking.pack(values, width: width, into: &packed)
                XCTAssertEqual(packed.count, 1 + BitPacking.byteCount(count: count, width: width))
                // Arrays take the word-at-a-time path; any other collection the byte-at-a-time one.
                var bytewise: [UInt8] = [0xAA]
                BitPacking.pack(values[...], width: width, into: &bytewise)
                XCTAssertEqual(packed, bytewise, "width \(width) count \(count)")
                XCTAssertEqual(values.map { BitPacking.width(of: $0) }.max() ?? 0, count == 0 ? 0 : width)

                var decoded = [UInt32](repeating: 0xdead_beef, count: count + 1)
                let ok = packed.withUnsafeBytes { raw in
                    decoded.withUnsafeMutableBufferPointer { destination in
                        BitPacking.unpack(UnsafeRawBufferPointer(rebasing: raw[1...]), count: count, width: width,
                                          into: destination.baseAddress!)
                    }
                }
                XCTAssertTrue(ok)
                XCTAssertEqual(Array(decoded.prefix(count)), values, "width \(width) count \(count)")
                XCTAssertEqual(decoded[count], 0xdead_beef, "unpack wrote past its count")
                packed.withUnsafeBytes { raw in
                    let body = UnsafeRawBufferPointer(rebasing: raw[1...])
                    for index in Swift.stride(from: 0, to: count, by: 13) {
                        XCTAssertEqual(BitPacking.value(at: index, width: width, in: body), values[index])
                    }
                }
            }
        }
    }

    /// Bytes after the packed values (the rest of a postings list) may be read by the whole-word path but
    /// must never leak into the values, whatever they hold.
    func testBitPackingIgnoresTrailingBytes() throws {
        var generator = SeededGenerator(seed: 12)
        for width in 0...32 {
            for count in [8, 120, 128] {
                let mask: UInt64 = width == 32 ? 0xffff_ffff : (1 << UInt64(width)) - 1
                let values = (0..<count).map { _ in UInt32(generator.next() & mask) }
                var packed: [UInt8] = []
                BitPacking.pack(values, width: width, into: &packed)
                for spare in [1, 7, 8, 64] {
                    let padded = packed + [UInt8](repeating: 0xff, count: spare)
                    var decoded = [UInt32](repeating: 0, count: count)
                    let ok = padded.withUnsafeBytes { raw in
                        decoded.withUnsafeMutableBufferPointer { BitPacking.unpack(raw, count: count, width: width, into: $0.baseAddress!) }
                    }
                    XCTAssertTrue(ok)
                    XCTAssertEqual(decoded, values, "width \(width) count \(count) spare \(spare)")
                    // Single values take one whole-word load where the spare bytes allow it.
                    padded.withUnsafeBytes { raw in
                        for index in Swift.stride(from: 0, to: count, by: 5) {
                            XCTAssertEqual(BitPacking.value(at: index, width: width, in: raw), values[index])
                        }
                    }
                }
            }
        }
    }

    /// Doc-id gaps (stored minus one) decode to the ids in one pass exactly as `unpack` then a running sum,
    /// whatever follows the packed bytes, from any previous id.
    func testUnpackAscendingEqualsUnpackThenSum() throws {
        var generator = SeededGenerator(seed: 13)
        for width in 0...32 {
            for count in [0, 1, 8, 100, 128] {
                let mask: UInt64 = width == 32 ? 0xffff_ffff : (1 << UInt64(width)) - 1
                let gaps = (0..<count).map { _ in UInt32(generator.next() & mask) }
                var packed: [UInt8] = []
                BitPacking.pack(gaps, width: width, into: &packed)
                for (previous, spare) in [(Int64(-1), 0), (41, 3), (1 << 33, 16)] {
                    let padded = packed + [UInt8](repeating: 0xff, count: spare)
                    var expected: [UInt32] = []
                    var running = previous
                    for gap in gaps {
                        running += Int64(gap) + 1
                        expected.append(UInt32(truncatingIfNeeded: running))
                    }
                    var decoded = [UInt32](repeating: 0xdead_beef, count: count + 1)
                    let last = padded.withUnsafeBytes { raw in
                        decoded.withUnsafeMutableBufferPointer {
                            BitPacking.unpackAscending(raw, count: count, width: width, after: previous, into: $0.baseAddress!)
                        }
                    }
                    let label = "width \(width) count \(count) previous \(previous) spare \(spare)"
                    XCTAssertEqual(last, running, label)
                    XCTAssertEqual(Array(decoded.prefix(count)), expected, label)
                    XCTAssertEqual(decoded[count], 0xdead_beef, "unpackAscending wrote past its count")
                }
            }
        }
        let short: [UInt8] = [1, 2, 3]
        var out = [UInt32](repeating: 0, count: 128)
        XCTAssertNil(short.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { BitPacking.unpackAscending(raw, count: 128, width: 5, after: 0, into: $0.baseAddress!) }
        })
    }

    func testUnpackRefusesShortInput() {
        let bytes: [UInt8] = [1, 2, 3]
        var out = [UInt32](repeating: 0, count: 128)
        let ok = bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw, count: 128, width: 5, into: $0.baseAddress!) }
        }
        XCTAssertFalse(ok)
        XCTAssertNil(bytes.withUnsafeBytes { BitPacking.value(at: 10, width: 5, in: $0) })
    }

    func testCRC32MatchesKnownVector() {
        // The standard check value of CRC-32/ISO-HDLC.
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    }
}
