import Foundation
import XCTest
@testable import VietSearchStorage

/// `DirectoryBackend` gathers small parts into one buffer before writing them (a segment's ~4 KB stored
/// blocks were a system call each): whatever the mix of part sizes, the file holds exactly the parts, in
/// order, on every write path.
final class GatheredWriteTests: XCTestCase {
    private func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vs-gather-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testPartsOfEverySizeAreWrittenInOrder() throws {
        let small = DirectoryBackend.gatheredPartBytes
        let buffer = DirectoryBackend.gatherBufferBytes
        // Runs of small parts that fill the buffer past its size, parts just under and at the gathering
        // limit, empty parts, a large part between small ones, and small parts last (left in the buffer).
        var sizes: [Int] = [0, 3, small - 1, small, 0, 1]
        sizes += Array(repeating: 4_096, count: buffer / 4_096 + 7)
        sizes += [buffer + 5, 17, small + 1, 0]
        sizes += Array(repeating: 1_000, count: 20)
        let parts: [ArraySlice<UInt8>] = sizes.enumerated().map { index, size in
            // Slices that do not start at index 0, as the serialiser's are.
            (0..<size + 2).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index &* 7) }[1..<(size + 1)]
        }
        let expected = Array(parts.joined())
        let path = temporaryDirectory()
        let store = try IndexStore.openDirectory(at: path, createIfMissing: true)
        try store.backend.writeUnsynced("unsynced.bin", parts: parts)
        try store.backend.writeDurably("durable.bin", parts: parts)
        try store.backend.writeStartingWriteback("writeback.bin", parts: parts)
        for name in ["unsynced.bin", "durable.bin", "writeback.bin"] {
            let written = try store.backend.read(name).copyBytes()
            XCTAssertEqual(written.count, expected.count, name)
            XCTAssertTrue(written == expected, "\(name): the bytes differ from the parts")
        }
        // Only small parts, fewer than fill the buffer: written at the end.
        try store.backend.writeUnsynced("few.bin", parts: [[1, 2, 3][...], [4][...]])
        XCTAssertEqual(try store.backend.read("few.bin").copyBytes(), [1, 2, 3, 4])
        try store.backend.writeUnsynced("none.bin", parts: [])
        XCTAssertEqual(try store.backend.read("none.bin").count, 0)
    }
}
