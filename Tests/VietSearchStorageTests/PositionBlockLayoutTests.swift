import Foundation
import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// `PositionBlockLayout.choose` (counts per candidate width, stopping early) picks exactly the layout the
/// earlier chooser picked from a histogram of the 128 values' widths (kept here as the reference), so the
/// positions bytes do not change: on random blocks of many shapes and on the blocks of real text.
final class PositionBlockLayoutTests: XCTestCase {
    /// The session-8 chooser: a histogram of widths, then every width from the widest down, keeping the
    /// first strictly smaller size (FORMAT.md, "Positions", writing).
    private static func histogramLayout(_ block: [UInt32]) -> PositionBlockLayout {
        var counts = [Int](repeating: 0, count: 33)
        for value in block { counts[32 - value.leadingZeroBitCount] += 1 }
        var maxWidth = 32
        while maxWidth > 0 && counts[maxWidth] == 0 { maxWidth -= 1 }
        var best = PositionBlockLayout(maxWidth: maxWidth, width: maxWidth, exceptions: 0)
        var bestSize = (block.count * maxWidth + 7) / 8
        var wider = 0
        var width = maxWidth - 1
        while width >= 0 {
            wider += counts[width + 1]
            let size = (block.count * width + 7) / 8 + 1 + wider + (wider * (maxWidth - width) + 7) / 8
            if size < bestSize {
                bestSize = size
                best.width = width
                best.exceptions = wider
            }
            width -= 1
        }
        return best
    }

    private func assertSameLayout(_ block: [UInt32], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let chosen = block.withUnsafeBufferPointer { PositionBlockLayout.choose($0.baseAddress!) }
        XCTAssertEqual(chosen, Self.histogramLayout(block), "\(what): \(block)", file: file, line: line)
    }

    func testRandomBlocksGetTheHistogramsLayout() {
        var generator = SeededGenerator(seed: 0x1a70_0009)
        var withExceptions = 0
        for trial in 0..<20_000 {
            var block = [UInt32](repeating: 0, count: 128)
            switch trial % 6 {
            case 0:
                // Geometric-like widths (gaps of a common word), the usual shape.
                let top = 1 + generator.next(below: 20)
                for slot in 0..<128 { block[slot] = UInt32(truncatingIfNeeded: generator.next()) >> UInt32(32 - 1 - generator.next(below: top)) }
            case 1:
                // Narrow values with a few far outliers (a word's rare long gaps).
                let narrow = generator.next(below: 10)
                for slot in 0..<128 { block[slot] = UInt32(generator.next(below: 1 << narrow)) }
                for _ in 0..<generator.next(below: 24) {
                    block[generator.next(below: 128)] = UInt32(truncatingIfNeeded: generator.next()) >> UInt32(generator.next(below: 32))
                }
            case 2:
                // Uniform widths from 0 to 32, the values at either end of each width.
                for slot in 0..<128 {
                    let width = generator.next(below: 33)
                    block[slot] = width == 0 ? 0 : generator.next(below: 2) == 0 ? 1 << UInt32(width - 1) : UInt32.max >> UInt32(32 - width)
                }
            case 3:
                // Two widths only, in random proportion: ties between sizes are likely here.
                let low = generator.next(below: 16), high = low + 1 + generator.next(below: 16)
                let share = generator.next(below: 129)
                for slot in 0..<128 {
                    let width = generator.next(below: 128) < share ? high : low
                    block[slot] = width == 0 ? 0 : UInt32(truncatingIfNeeded: (1 << UInt64(width)) - 1)
                }
            case 4:
                // All one value (zeros, ones, the maximum), one slot changed.
                let value: UInt32 = [0, 1, 7, UInt32.max, 1 << 31][generator.next(below: 5)]
                block = [UInt32](repeating: value, count: 128)
                block[generator.next(below: 128)] = UInt32(truncatingIfNeeded: generator.next())
            default:
                for slot in 0..<128 { block[slot] = UInt32(truncatingIfNeeded: generator.next()) >> UInt32(generator.next(below: 33) % 32) }
            }
            if Self.histogramLayout(block).exceptions > 0 { withExceptions += 1 }
            assertSameLayout(block, "trial \(trial)")
        }
        XCTAssertGreaterThan(withExceptions, 3_000, "the blocks must exercise exceptions")
        assertSameLayout([UInt32](repeating: 0, count: 128), "all zeros")
        assertSameLayout([UInt32](repeating: .max, count: 128), "all 32-bit")
        assertSameLayout(PositionBlockTests.workedValues, "FORMAT.md's worked block")
    }

    /// Real text: the seed articles and the relevance fixtures' documents, words split at non-letters,
    /// each word's (exact and folded) position values (per document its first position, then gaps − 1) cut into blocks.
    func testBlocksOfRealTextGetTheHistogramsLayout() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var documents: [String] = []
        let seeds = root.appendingPathComponent("seeds")
        for name in try FileManager.default.contentsOfDirectory(atPath: seeds.path).sorted() where name.hasSuffix(".txt") {
            documents.append(try String(contentsOf: seeds.appendingPathComponent(name), encoding: .utf8))
        }
        let relevance = try String(contentsOf: root.appendingPathComponent("Fixtures/relevance/docs.jsonl"), encoding: .utf8)
        documents += relevance.split(separator: "\n").map(String.init)
        var values: [String: [UInt32]] = [:]
        for document in documents {
            var last: [String: UInt32] = [:]
            let words = document.lowercased().split { !$0.isLetter }
            for (position, word) in words.enumerated() {
                let position = UInt32(position)
                // Each word under its exact and its folded key, as the index keys it.
                let exact = "e" + word, folded = "f" + word.folding(options: .diacriticInsensitive, locale: nil)
                for key in [exact, folded] {
                    values[key, default: []].append(last[key].map { position - $0 - 1 } ?? position)
                    last[key] = position
                }
            }
        }
        var blocks = 0
        for (word, wordValues) in values.sorted(by: { $0.key < $1.key }) {
            for start in stride(from: 0, to: wordValues.count - 127, by: 128) {
                assertSameLayout(Array(wordValues[start..<(start + 128)]), "word \(word) block \(start / 128)")
                blocks += 1
            }
        }
        XCTAssertGreaterThan(blocks, 100)
    }
}
