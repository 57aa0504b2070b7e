import Foundation
import XCTest
@testable import vietsearch

/// `vietsearch search`'s stdin reader on its own, over a pipe: line splitting, and the bounded poll
/// before a blocking read (a line written after the poll gave up must still be read).
final class QueryLineReaderTests: XCTestCase {
    private func lines(of input: [UInt8], spinMicroseconds: Int) -> [String] {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        // From another thread: input longer than the pipe's buffer would block a write made here.
        let thread = Thread {
            writer.write(Data(input))
            try? writer.close()
        }
        thread.start()
        let reader = QueryLineReader(fileDescriptor: pipe.fileHandleForReading.fileDescriptor,
                                     spinMicroseconds: spinMicroseconds)
        var result: [String] = []
        while let line = reader.next() { result.append(line) }
        return result
    }

    func testSplitsLinesDropsCarriageReturnsAndKeepsLastUnterminatedLine() throws {
        let input = Array("cấp ủy\r\n\nđảng viên\ncuối".utf8)
        for spin in [0, 50, QueryLineReader.defaultSpinMicroseconds] {
            XCTAssertEqual(lines(of: input, spinMicroseconds: spin), ["cấp ủy", "", "đảng viên", "cuối"])
        }
    }

    func testRepairsInvalidUTF8LikeReadLine() throws {
        XCTAssertEqual(lines(of: [0x61, 0xFF, 0x62, 0x0A], spinMicroseconds: 0), ["a\u{FFFD}b"])
    }

    func testEmptyInputHasNoLines() throws {
        XCTAssertEqual(lines(of: [], spinMicroseconds: 10), [])
    }

    func testLineLongerThanOneReadIsWhole() throws {
        let long = String(repeating: "ư", count: 100_000)
        XCTAssertEqual(lines(of: Array((long + "\nx\n").utf8), spinMicroseconds: 0), [long, "x"])
    }

    func testLineArrivingAfterThePollGaveUpIsRead() throws {
        let pipe = Pipe()
        let reader = QueryLineReader(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, spinMicroseconds: 1)
        let writer = pipe.fileHandleForWriting
        let thread = Thread {
            // Long past the 1 µs poll, so the reader is (most likely) blocked in read by then.
            Thread.sleep(forTimeInterval: 0.05)
            writer.write(Data("muộn\n".utf8))
            try? writer.close()
        }
        thread.start()
        XCTAssertEqual(reader.next(), "muộn")
        XCTAssertNil(reader.next())
    }

    func testLinesBothQuickAndLateAreReadWithTheAdaptivePoll() throws {
        let pipe = Pipe()
        let reader = QueryLineReader(fileDescriptor: pipe.fileHandleForReading.fileDescriptor,
                                     spinMicroseconds: QueryLineReader.defaultSpinMicroseconds)
        let writer = pipe.fileHandleForWriting
        let thread = Thread {
            writer.write(Data("một\nhai\n".utf8))
            // Longer than the poll limit: the reader gives up polling and sleeps in read.
            Thread.sleep(forTimeInterval: 0.05)
            writer.write(Data("ba\n".utf8))
            Thread.sleep(forTimeInterval: 0.05)
            writer.write(Data("bốn\n".utf8))
            try? writer.close()
        }
        thread.start()
        var result: [String] = []
        while let line = reader.next() { result.append(line) }
        XCTAssertEqual(result, ["một", "hai", "ba", "bốn"])
    }
}
