import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// `CRC32.update` (carry-less folding for ranges of 64 bytes or more where the processor has it, zlib for
/// the rest) gives the CRC-32 of a bit-at-a-time reference, at every length, alignment and initial value.
final class CRC32FoldTests: XCTestCase {
    /// The textbook bit-serial CRC-32 (reflected polynomial 0xEDB88320, inverted before and after),
    /// independent of zlib and of the folding.
    private func bitwiseCRC(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        var value = ~crc
        for byte in bytes {
            value ^= UInt32(byte)
            for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        }
        return ~value
    }

    func testKnownCheckValues() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        // Long enough to be folded: 1,000 and 4,096 bytes of one pattern, checked against the reference.
        for count in [1000, 4096] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            XCTAssertEqual(CRC32.checksum(bytes), bitwiseCRC(0, bytes[...]), "\(count) bytes")
        }
    }

    func testEveryLengthAlignmentAndInitialValueMatchesTheReference() {
        var generator = SeededGenerator(seed: 2026)
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var lengths = Array(0...300)
        lengths += [511, 512, 513, 1023, 1024, 1025, 4095, 4096, 4097, 4900]
        for length in lengths {
            for offset in [0, 1, 3, 8, 15, 16, 33] where offset + length <= bytes.count {
                let initial: UInt32 = length % 2 == 0 ? 0 : UInt32.random(in: 0...UInt32.max, using: &generator)
                let slice = bytes[offset..<(offset + length)]
                let expected = bitwiseCRC(initial, slice)
                XCTAssertEqual(CRC32.update(initial, slice), expected, "length \(length), offset \(offset)")
                XCTAssertEqual(slice.withUnsafeBytes { CRC32.zlibUpdate(initial, $0) }, expected, "zlib, length \(length)")
            }
        }
    }

    func testChunkedUpdatesEqualOnePass() {
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<20000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let whole = CRC32.checksum(bytes)
        XCTAssertEqual(whole, bitwiseCRC(0, bytes[...]))
        var crc: UInt32 = 0
        var start = 0
        while start < bytes.count {
            let end = Swift.min(bytes.count, start + Int.random(in: 1...700, using: &generator))
            crc = CRC32.update(crc, bytes[start..<end])
            start = end
        }
        XCTAssertEqual(crc, whole)
    }

    func testFoldingIsUsedOnX86() throws {
        #if arch(x86_64)
        // Every x86-64 processor since 2010 has PCLMULQDQ and SSE4.1; if this fails, the fast path is off.
        XCTAssertTrue(CRC32.foldIsAvailable)
        #else
        throw XCTSkip("the folding is for x86-64")
        #endif
    }
}
