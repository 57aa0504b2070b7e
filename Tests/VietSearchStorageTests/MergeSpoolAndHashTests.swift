import Foundation
import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The merge's spool files (large ranges written past the buffer) and the shared-data confirmation hash.
final class MergeSpoolAndHashTests: XCTestCase {
    private func randomBytes(_ count: Int, _ generator: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Small appends go through the buffer, ranges of 64 KiB and more straight to the file: the file must
    /// hold every range in order, and its running CRC must be the CRC of the concatenation (computed here
    /// from a table built bit by bit, independently of the library's CRC code), also after `copy(to:)`;
    /// and the same when the files start their writeback every few writes (a merge's output).
    func testSpoolFileKeepsOrderAndChecksumAcrossDirectWrites() throws {
        for writeback in [false, true] { try checkSpoolFile(startingWriteback: writeback) }
    }

    private func checkSpoolFile(startingWriteback writeback: Bool) throws {
        var generator = SeededGenerator(seed: 7)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vs-spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sizes = [10, 70_000, 5, 0, (1 << 20) + 3, 100, SpoolFile.directWriteSize, SpoolFile.directWriteSize - 1, 1 << 20, 3]
        let spool = try SpoolFile(path: directory + "/a.tmp")
        spool.startsWriteback = writeback
        spool.writebackBytes = 100_000
        var expected: [UInt8] = []
        for (index, size) in sizes.enumerated() {
            let bytes = randomBytes(size, &generator)
            if index % 2 == 0 {
                try spool.append(bytes)
            } else {
                try bytes.withUnsafeBytes { try spool.append($0) }
            }
            expected += bytes
        }
        XCTAssertEqual(spool.size, expected.count)
        XCTAssertEqual(spool.crc, Self.bitwiseCRC32(expected))
        let target = try SpoolFile(path: directory + "/b.tmp")
        target.startsWriteback = writeback
        target.writebackBytes = 300_000
        let head = randomBytes(17, &generator)
        try target.append(head)
        try spool.copy(to: target)
        try target.sync()
        try target.closeKeeping()
        try spool.closeKeeping()
        XCTAssertEqual(Array(try XCTUnwrap(FileManager.default.contents(atPath: directory + "/a.tmp"))), expected)
        XCTAssertEqual(Array(try XCTUnwrap(FileManager.default.contents(atPath: directory + "/b.tmp"))), head + expected)
        XCTAssertEqual(target.crc, Self.bitwiseCRC32(head + expected))
    }

    /// Equal bytes hash equally wherever they lie in memory; changing any one byte (three ways), adding a
    /// zero byte or moving the boundary between the two strings changes the hash, at lengths around the
    /// 16-byte steps and the 8-byte and byte-wise remainders.
    func testContentHashSeesEveryByteTheLengthsAndTheBoundary() {
        var generator = SeededGenerator(seed: 11)
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 47, 100, 1_000] {
            let bytes = randomBytes(length, &generator)
            let hash = PostingsWriter.contentHash(bytes[...], [][...])
            // The same bytes one byte further into another array (unaligned loads).
            let shifted = [0xAB] + bytes
            XCTAssertEqual(PostingsWriter.contentHash(shifted[1...], [][...]), hash, "length \(length)")
            var seen: Set<UInt64> = [hash]
            for index in 0..<length {
                for flip: UInt8 in [0x01, 0x80, 0xFF] {
                    var changed = bytes
                    changed[index] ^= flip
                    let other = PostingsWriter.contentHash(changed[...], [][...])
                    XCTAssertNotEqual(other, hash, "length \(length), byte \(index) ^ \(flip)")
                    seen.insert(other)
                }
            }
            XCTAssertEqual(seen.count, 1 + 3 * length, "length \(length): two changes hashed alike")
            XCTAssertNotEqual(PostingsWriter.contentHash((bytes + [0])[...], [][...]), hash, "length \(length) + a zero byte")
            if length > 0 {
                var splits: Set<UInt64> = []
                for split in 0...length { splits.insert(PostingsWriter.contentHash(bytes[..<split], bytes[split...])) }
                XCTAssertEqual(splits.count, length + 1, "length \(length): two boundaries hashed alike")
            }
        }
    }

    /// CRC-32 (IEEE, reflected, polynomial 0xEDB88320) a byte at a time through a table built bit by bit.
    private static let crcTable: [UInt32] = (0..<256).map { (index: UInt32) -> UInt32 in
        var crc = index
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    private static func bitwiseCRC32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }
}
