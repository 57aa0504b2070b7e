import Foundation
import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// The AVX2 unpacking kernels (CBitUnpack) and the portable Swift loops decode every width and count to the
/// values an independent bit-by-bit reader finds, from sources with exactly the packed bytes (no slack:
/// under AddressSanitizer a read past the end fails the run) or with spare bytes after them, aligned or not.
final class BitUnpackKernelTests: XCTestCase {
    /// Value `index` of `width` bits read one bit at a time (FORMAT.md: value i occupies bits i·w ..< (i+1)·w
    /// of a little-endian bit stream).
    private func referenceValue(_ bytes: [UInt8], index: Int, width: Int) -> UInt32 {
        var value: UInt32 = 0
        for bit in 0..<width {
            let position = index * width + bit
            if bytes[position >> 3] >> UInt8(position & 7) & 1 == 1 { value |= 1 << UInt32(bit) }
        }
        return value
    }

    /// `body` run with the kernels on (where the CPU has them) and off; the previous state restored.
    private func withEachPath(_ body: (String) throws -> Void) rethrows {
        let wasOn = BitPacking.setKernelsEnabled(true)
        defer { BitPacking.setKernelsEnabled(wasOn) }
        try body(BitPacking.kernelsEnabled ? "avx2" : "portable (no AVX2)")
        BitPacking.setKernelsEnabled(false)
        XCTAssertFalse(BitPacking.kernelsEnabled)
        try body("portable")
    }

    /// Calls `body` with `bytes` copied to a heap buffer of exactly `offset + bytes.count` bytes, starting at
    /// `offset` (its end is the allocation's end).
    private func withExactBuffer<R>(_ bytes: [UInt8], offset: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(offset + bytes.count, 1), alignment: 64)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0x5a)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress, let target = buffer.baseAddress { (target + offset).copyMemory(from: base, byteCount: source.count) }
        }
        return body(UnsafeRawBufferPointer(rebasing: buffer[offset ..< offset + bytes.count]))
    }

    /// 300 values of `width` bits: random, all ones, or all zeros.
    private func values(width: Int, pattern: Int, generator: inout SeededGenerator) -> [UInt32] {
        let mask: UInt64 = width == 32 ? 0xffff_ffff : (1 << UInt64(width)) - 1
        switch pattern {
        case 0: return (0..<300).map { _ in UInt32(generator.next() & mask) }
        case 1: return [UInt32](repeating: UInt32(mask), count: 300)
        default: return [UInt32](repeating: 0, count: 300)
        }
    }

    func testUnpackEveryWidthAndCountMatchesBitByBitReader() {
        var generator = SeededGenerator(seed: 1101)
        withEachPath { path in
            for width in 0...32 {
                for pattern in 0..<3 {
                    let values = values(width: width, pattern: pattern, generator: &generator)
                    var packed: [UInt8] = []
                    BitPacking.pack(values, width: width, into: &packed)
                    let expected = (0..<300).map { referenceValue(packed, index: $0, width: width) }
                    XCTAssertEqual(expected, values, "the reference reader disagrees with pack, width \(width)")
                    for count in 0...300 {
                        // Exact bytes at every count; spare bytes and unaligned starts at every 7th.
                        let exact = Array(packed.prefix(BitPacking.byteCount(count: count, width: width)))
                        var layouts = [(exact, 0)]
                        if count % 7 == 0 { layouts += [(exact, 1), (exact, 3), (exact + [UInt8](repeating: 0xff, count: 40), 1)] }
                        for (bytes, offset) in layouts {
                            var decoded = [UInt32](repeating: 0xdead_beef, count: count + 1)
                            let ok = withExactBuffer(bytes, offset: offset) { raw in
                                decoded.withUnsafeMutableBufferPointer {
                                    BitPacking.unpack(raw, count: count, width: width, into: $0.baseAddress!)
                                }
                            }
                            let label = "\(path) width \(width) count \(count) pattern \(pattern) bytes \(bytes.count) offset \(offset)"
                            XCTAssertTrue(ok, label)
                            if Array(decoded.prefix(count)) != Array(expected.prefix(count)) { XCTFail(label); return }
                            XCTAssertEqual(decoded[count], 0xdead_beef, "wrote past its count: \(label)")
                        }
                    }
                }
            }
        }
    }

    func testUnpackAscendingEveryWidthAndCountMatchesBitByBitSums() {
        var generator = SeededGenerator(seed: 1102)
        withEachPath { path in
            for width in 0...32 {
                for pattern in 0..<3 {
                    let gaps = values(width: width, pattern: pattern, generator: &generator)
                    var packed: [UInt8] = []
                    BitPacking.pack(gaps, width: width, into: &packed)
                    let referenceGaps = (0..<300).map { referenceValue(packed, index: $0, width: width) }
                    for count in 0...300 {
                        let exact = Array(packed.prefix(BitPacking.byteCount(count: count, width: width)))
                        // Previous ids below, at and above 2^32 (the 32-bit outputs wrap, the sum does not).
                        let previous: Int64 = [-1, 41, 0xffff_fff0, 1 << 33][count % 4]
                        var layouts = [(exact, 0)]
                        if count % 5 == 0 { layouts += [(exact, 1), (exact + [UInt8](repeating: 0xff, count: 40), 3)] }
                        var expected: [UInt32] = []
                        var running = previous
                        for gap in referenceGaps.prefix(count) {
                            running += Int64(gap) + 1
                            expected.append(UInt32(truncatingIfNeeded: running))
                        }
                        for (bytes, offset) in layouts {
                            var decoded = [UInt32](repeating: 0xdead_beef, count: count + 1)
                            let last = withExactBuffer(bytes, offset: offset) { raw in
                                decoded.withUnsafeMutableBufferPointer {
                                    BitPacking.unpackAscending(raw, count: count, width: width, after: previous, into: $0.baseAddress!)
                                }
                            }
                            let label = "\(path) width \(width) count \(count) pattern \(pattern) previous \(previous) offset \(offset)"
                            XCTAssertEqual(last, running, label)
                            if Array(decoded.prefix(count)) != expected { XCTFail(label); return }
                            XCTAssertEqual(decoded[count], 0xdead_beef, "wrote past its count: \(label)")
                        }
                    }
                }
            }
        }
    }

    /// A whole block (128 values, the postings blocks' doc-id gaps and tfs) with the spare bytes after it that
    /// a postings section leaves: `unpackAscending` then hands all 16 groups to the kernel in one call (when the
    /// bytes cover its reach) and must sum to the reference; with fewer spare bytes it takes the general path.
    func testUnpackAscendingWholeBlockWithSpareBytes() {
        var generator = SeededGenerator(seed: 1103)
        withEachPath { path in
            for width in 0...32 {
                for pattern in 0..<3 {
                    let gaps = Array(values(width: width, pattern: pattern, generator: &generator).prefix(128))
                    var packed: [UInt8] = []
                    BitPacking.pack(gaps, width: width, into: &packed)
                    for spare in [0, 11, 12, 27, 28, 40] {
                        let previous: Int64 = [-1, 1_000, 0xffff_ff00][(width + spare) % 3]
                        var running = previous
                        let expected = (0..<128).map { index -> UInt32 in
                            running += Int64(referenceValue(packed, index: index, width: width)) + 1
                            return UInt32(truncatingIfNeeded: running)
                        }
                        let bytes = packed + [UInt8](repeating: 0xa5, count: spare)
                        var decoded = [UInt32](repeating: 0xdead_beef, count: 129)
                        let last = withExactBuffer(bytes, offset: spare % 2) { raw in
                            decoded.withUnsafeMutableBufferPointer {
                                BitPacking.unpackAscending(raw, count: 128, width: width, after: previous, into: $0.baseAddress!)
                            }
                        }
                        let label = "\(path) width \(width) pattern \(pattern) spare \(spare)"
                        XCTAssertEqual(last, running, label)
                        if Array(decoded.prefix(128)) != expected { XCTFail(label); return }
                        XCTAssertEqual(decoded[128], 0xdead_beef, "wrote past the block: \(label)")
                    }
                }
            }
        }
    }

    /// The kernels are on exactly where /proc/cpuinfo lists avx2 (Linux x86-64) and the environment does not
    /// turn them off, and there they decode whole 128-value blocks, not leave them to Swift.
    /// `unpackWholeBlock` (the positions decoder's direct kernel call) decodes a 128-value block exactly when
    /// the kernels are on, have a kernel for the width and all 16 groups' reads fit the bytes given, to the
    /// reference reader's values; otherwise it declines and writes nothing (the caller then uses `unpack`).
    func testUnpackWholeBlockDecodesOrDeclines() {
        var generator = SeededGenerator(seed: 1212)
        var decodedBlocks = 0
        var kernelsRan = false
        withEachPath { path in
            if BitPacking.kernelsEnabled { kernelsRan = true }
            for width in 0...32 {
                let values = Array(values(width: width, pattern: 0, generator: &generator).prefix(128))
                var packed: [UInt8] = []
                BitPacking.pack(values, width: width, into: &packed)
                XCTAssertEqual(packed.count, 16 * width)
                for spare in [0, 1, 7, 8, 15, 16, 40] {
                    let bytes = packed + [UInt8](repeating: 0xff, count: spare)
                    var decoded = [UInt32](repeating: 0xdead_beef, count: 129)
                    let done = withExactBuffer(bytes, offset: 1) { raw in
                        decoded.withUnsafeMutableBufferPointer { output in
                            BitPacking.unpackWholeBlock(raw.baseAddress!, byteCount: raw.count, width: width, into: output.baseAddress!)
                        }
                    }
                    let label = "\(path) width \(width) spare \(spare)"
                    // Independent of the code's own reach table: the kernels' loads as CBitUnpack.h states them.
                    let reach: Int? = switch width {
                    case 1...8: 8
                    case 9...16: 16
                    case 17...24: (4 * width) / 8 + 16
                    case 32: 32
                    default: nil
                    }
                    let fits = reach.map { 15 * width + $0 <= bytes.count } ?? false
                    XCTAssertEqual(done, BitPacking.kernelsEnabled && fits, label)
                    if done {
                        decodedBlocks += 1
                        XCTAssertEqual(Array(decoded.prefix(128)), (0..<128).map { referenceValue(packed, index: $0, width: width) }, label)
                    } else {
                        XCTAssertEqual(decoded, [UInt32](repeating: 0xdead_beef, count: 129), "declined but wrote: \(label)")
                    }
                    XCTAssertEqual(decoded[128], 0xdead_beef, "wrote past the block: \(label)")
                }
            }
        }
        if kernelsRan { XCTAssertGreaterThan(decodedBlocks, 100) }
    }

    func testKernelsRunWhereTheCPUHasAVX2() throws {
        let wasOn = BitPacking.setKernelsEnabled(true)
        defer { BitPacking.setKernelsEnabled(wasOn) }
        #if arch(x86_64) && os(Linux)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        XCTAssertEqual(BitPacking.kernelsEnabled, flags.split(separator: " ").contains("avx2"))
        #endif
        guard BitPacking.kernelsEnabled else { return }
        let block = [UInt8](repeating: 0xa5, count: 32 * 16 + 32)
        var out = [UInt32](repeating: 0, count: 128)
        for width in Array(1...24) + [32] {
            let decoded = block.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer {
                    BitPacking.unpackWithKernel(raw.baseAddress!, count: 128, width: width, byteCount: raw.count, into: $0.baseAddress!)
                }
            }
            XCTAssertEqual(decoded, 16, "width \(width)")
        }
        BitPacking.setKernelsEnabled(false)
        let decoded = block.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer {
                BitPacking.unpackWithKernel(raw.baseAddress!, count: 128, width: 5, byteCount: raw.count, into: $0.baseAddress!)
            }
        }
        XCTAssertEqual(decoded, 0, "kernels turned off still decoded")
    }
}
