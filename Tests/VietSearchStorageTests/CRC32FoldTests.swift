import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// `CRC32.update` folds whole 16-byte blocks with carry-less multiplies where the CPU allows: it must
/// give zlib's `crc32` (the file format's checksum) for every length, alignment and starting value.
final class CRC32FoldTests: XCTestCase {
    func testKnownCheckValues() {
        // The CRC-32 check value of "123456789", and of 64 KiB of zeros (zlib's crc32).
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8](repeating: 0, count: 1 << 16)), 0xD7978EEB)
    }

    func testEqualsZlibForEveryLengthAlignmentAndStart() {
        var random = SeededGenerator(seed: 32)
        let bytes = (0..<(1 << 18)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return XCTFail("no bytes") }
            var lengths = Array(0...300) + [511, 512, 513, 1_023, 4_096, 4_111, 65_536 + 47]
            for _ in 0..<50 { lengths.append(random.next(below: raw.count - 64)) }
            for length in lengths {
                for offset in [0, 1, 7, 15, 33] {
                    let start = UInt32(truncatingIfNeeded: random.next())
                    let slice = UnsafeRawBufferPointer(start: base + offset, count: length)
                    XCTAssertEqual(CRC32.update(start, slice), CRC32.zlibUpdate(start, base + offset, count: length),
                                   "length \(length), offset \(offset)")
                }
            }
        }
    }
}
