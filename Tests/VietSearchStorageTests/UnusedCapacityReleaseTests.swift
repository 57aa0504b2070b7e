#if canImport(Glibc)
import Glibc
#endif
import XCTest
@testable import VietSearchStorage

/// `FreedMemory.releaseUnusedCapacity` gives back the pages an encoder's output array reserved but did not
/// fill (the postings encoder keeps its runs' arrays as they are instead of copying them to exact size):
/// the pages past the bytes stop being resident, and the bytes themselves are untouched.
final class UnusedCapacityReleaseTests: XCTestCase {
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// An array of `count` bytes with `capacity` bytes of storage, every byte of the storage written (so
    /// resident, as recycled heap memory would be).
    private func touchedArray(count: Int, capacity: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            for index in 0..<buffer.count { buffer[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
            initialized = count
        }
    }

    /// How many of the whole pages in `range` of the array's storage are resident (`mincore`).
    private func residentPages(of bytes: [UInt8], in range: Range<Int>) -> (resident: Int, pages: Int) {
        bytes.withUnsafeBufferPointer { buffer -> (Int, Int) in
            guard let base = buffer.baseAddress else { return (0, 0) }
            let start = (UInt(bitPattern: base + range.lowerBound) + UInt(pageSize) - 1) & ~UInt(pageSize - 1)
            let end = UInt(bitPattern: base + range.upperBound) & ~UInt(pageSize - 1)
            guard end > start, let first = UnsafeMutableRawPointer(bitPattern: start) else { return (0, 0) }
            let pages = Int(end - start) / pageSize
            var vector = [UInt8](repeating: 0, count: pages)
            XCTAssertEqual(mincore(first, Int(end - start), &vector), 0)
            return (vector.filter { $0 & 1 != 0 }.count, pages)
        }
    }

    func testUnusedPagesStopBeingResidentAndTheBytesStay() {
        for (count, capacity) in [(100_000, 4 << 20), (1, 1 << 20), (3 * 4096 + 5, 2 << 20), (600_000, 700_000)] {
            let bytes = touchedArray(count: count, capacity: capacity)
            XCTAssertGreaterThanOrEqual(bytes.capacity, capacity)
            let before = residentPages(of: bytes, in: count..<bytes.capacity)
            XCTAssertGreaterThan(before.pages, 0)
            XCTAssertEqual(before.resident, before.pages, "every page written, so resident")

            let held = FreedMemory.releaseUnusedCapacity(of: bytes)

            let after = residentPages(of: bytes, in: count..<bytes.capacity)
            XCTAssertEqual(after.resident, 0, "count \(count), capacity \(capacity)")
            XCTAssertEqual(held, (count + pageSize - 1) / pageSize * pageSize)
            XCTAssertEqual(bytes.count, count)
            for index in 0..<count where bytes[index] != UInt8(truncatingIfNeeded: index &* 31 &+ 7) {
                XCTFail("byte \(index) changed")
                break
            }
        }
    }

    func testLittleUnusedCapacityIsLeftAlone() {
        let count = 200_000
        let bytes = touchedArray(count: count, capacity: count + FreedMemory.minimumReleasedBytes - 4096)
        let before = residentPages(of: bytes, in: count..<bytes.capacity)
        let held = FreedMemory.releaseUnusedCapacity(of: bytes)
        XCTAssertEqual(residentPages(of: bytes, in: count..<bytes.capacity).resident, before.resident)
        XCTAssertLessThanOrEqual(held, bytes.capacity)
        XCTAssertGreaterThanOrEqual(held, count)
    }

    /// The shared-buffer case the encoder hits (its writer still holds the array): no copy is made, so
    /// the pages released are those of the one buffer both hold.
    func testASharedArrayIsNotCopied() {
        let bytes = touchedArray(count: 50_000, capacity: 1 << 20)
        let other = bytes
        FreedMemory.releaseUnusedCapacity(of: bytes)
        XCTAssertEqual(residentPages(of: other, in: 50_000..<other.capacity).resident, 0)
        bytes.withUnsafeBufferPointer { first in
            other.withUnsafeBufferPointer { second in XCTAssertEqual(first.baseAddress, second.baseAddress) }
        }
    }
}
