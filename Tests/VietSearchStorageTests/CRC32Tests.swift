import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The table-driven CRC-32 for short ranges agrees with a bit-at-a-time reference and with zlib's
/// for long ones, at every length around the 8-byte steps and the switch-over, split anywhere.
final class CRC32Tests: XCTestCase {
    /// Bit by bit, polynomial 0xEDB88320 (zlib's, reflected).
    private func reference(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c = ~crc
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    func testShortAndLongRangesMatchTheReference() {
        var generator = SeededGenerator(seed: 5)
        let bytes = (0..<(2 * CRC32.zlibThreshold + 40)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let lengths = Array(0...40) + [255, 256, 1000, CRC32.zlibThreshold - 1, CRC32.zlibThreshold, CRC32.zlibThreshold + 9, 2 * CRC32.zlibThreshold]
        for length in lengths {
            for start in [0, 1, 3, 7] {
                let slice = bytes[start..<(start + length)]
                XCTAssertEqual(CRC32.update(0, slice), reference(0, slice), "length \(length) from \(start)")
                // Continued from an earlier CRC, split at an odd point.
                let split = start + length / 3
                let continued = CRC32.update(CRC32.update(0xDEAD_BEEF, bytes[start..<split]), bytes[split..<(start + length)])
                XCTAssertEqual(continued, reference(reference(0xDEAD_BEEF, bytes[start..<split]), bytes[split..<(start + length)]))
            }
        }
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    }
}
