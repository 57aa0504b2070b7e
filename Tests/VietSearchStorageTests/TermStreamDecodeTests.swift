import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// `TermPostingsBuffer.decode(stream:)` (the `CBitUnpack` kernel where the CPU has it) against the
/// expected docs, frequencies and position values of generated streams, and against `decodeScalar`, with
/// the kernel on and off: values of every length 1–5 bytes, streams short and long (their lengths rarely a
/// multiple of 16, so the padded tail is always exercised), frequencies 1–300, and the indexer's real shape.
final class TermStreamDecodeTests: XCTestCase {
    /// A stream as `TermStreams` writes it, and what decoding it must give.
    private struct Sample {
        var bytes: [UInt8] = []
        var docs: [UInt32] = []
        var frequencies: [UInt32] = []
        var positionValues: [UInt32] = []
    }

    private static func appendVarint(_ value: UInt32, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// A random value of a random bit length (0–32), so every encoded length 1–5 bytes comes up; at least `minimum`.
    private static func anyWidth(_ generator: inout SeededGenerator, minimum: UInt32 = 0) -> UInt32 {
        let width = Int.random(in: 0...32, using: &generator)
        let value = width == 0 ? 0 : UInt32(truncatingIfNeeded: generator.next()) >> UInt32(32 - width)
        return Swift.max(value, minimum)
    }

    /// `groups` documents; `realShape` draws values as the indexer's streams hold them (doc deltas of 1–2
    /// bytes, small frequencies, a 1–2-byte first position, 1-byte gaps), otherwise of any length.
    private static func sample(groups: Int, realShape: Bool, maxFrequency: Int,
                               using generator: inout SeededGenerator) -> Sample {
        var sample = Sample()
        var doc: UInt32 = 0
        for group in 0..<groups {
            let delta = realShape ? UInt32.random(in: 1...3_000, using: &generator) : anyWidth(&generator)
            doc = group == 0 ? delta : doc &+ delta
            let frequency = realShape && Bool.random(using: &generator)
                ? UInt32.random(in: 1...3, using: &generator)
                : UInt32.random(in: 1...UInt32(maxFrequency), using: &generator)
            let first = realShape ? UInt32.random(in: 0...2_000, using: &generator) : anyWidth(&generator)
            appendVarint(delta, to: &sample.bytes)
            appendVarint(frequency, to: &sample.bytes)
            appendVarint(first, to: &sample.bytes)
            sample.docs.append(doc)
            sample.frequencies.append(frequency)
            sample.positionValues.append(first)
            for _ in 1..<Int(frequency) {
                let gap = realShape ? UInt32.random(in: 1...60, using: &generator) : anyWidth(&generator, minimum: 1)
                appendVarint(gap, to: &sample.bytes)
                sample.positionValues.append(gap - 1)
            }
        }
        return sample
    }

    private static func samples() -> [Sample] {
        var generator = SeededGenerator(seed: 21)
        var result: [Sample] = []
        for groups in [1, 2, 3, 5, 8, 13, 40, 200, 2_000] {
            for realShape in [false, true] {
                for maxFrequency in [1, 4, 300] {
                    for _ in 0..<3 {
                        result.append(sample(groups: groups, realShape: realShape, maxFrequency: maxFrequency,
                                             using: &generator))
                    }
                }
            }
        }
        // Streams of every length 3–40 bytes: single groups of 1-byte values.
        for count in 3...40 {
            var single = Sample()
            single.docs = [7]
            single.frequencies = [UInt32(count - 2)]
            appendVarint(7, to: &single.bytes)
            appendVarint(UInt32(count - 2), to: &single.bytes)
            for index in 0..<(count - 2) {
                appendVarint(index == 0 ? 5 : 1, to: &single.bytes)
                single.positionValues.append(index == 0 ? 5 : 0)
            }
            result.append(single)
        }
        return result
    }

    private func assertDecodes(_ samples: [Sample], scalar: Bool, _ label: String) {
        var buffer = TermPostingsBuffer()
        for (index, sample) in samples.enumerated() {
            sample.bytes.withUnsafeBufferPointer { bytes in
                if scalar { buffer.decodeScalar(stream: bytes) } else { buffer.decode(stream: bytes) }
            }
            XCTAssertEqual(buffer.docs, sample.docs, "\(label) sample \(index): docs")
            XCTAssertEqual(buffer.frequencies, sample.frequencies, "\(label) sample \(index): frequencies")
            XCTAssertEqual(buffer.positions, sample.positionValues, "\(label) sample \(index): positions")
            XCTAssertTrue(buffer.positionsAreValues)
        }
    }

    func testKernelDecodesEveryShapeAsExpected() throws {
        guard BitPacking.kernelsEnabled else { throw XCTSkip("this CPU has no AVX2 kernels") }
        assertDecodes(Self.samples(), scalar: false, "kernel")
    }

    func testScalarReferenceDecodesEveryShapeAsExpected() {
        assertDecodes(Self.samples(), scalar: true, "scalar")
    }

    func testWithKernelsOffDecodeTakesTheScalarPath() {
        let wasOn = BitPacking.setKernelsEnabled(false)
        defer { BitPacking.setKernelsEnabled(wasOn) }
        XCTAssertFalse(BitPacking.kernelsEnabled)
        assertDecodes(Self.samples(), scalar: false, "kernels off")
    }

    func testEmptyStreamGivesNothing() {
        var buffer = TermPostingsBuffer()
        buffer.docs = [1]
        [UInt8]().withUnsafeBufferPointer { buffer.decode(stream: $0) }
        XCTAssertEqual(buffer.docs, [])
        XCTAssertEqual(buffer.positions, [])
    }
}
