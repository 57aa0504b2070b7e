import Foundation
import VietSearch
import XCTest
@testable import vietsearch

/// `ReadAheadDocumentReader` must hand out exactly what the reader it wraps gives, in order, with its
/// errors where they happened, and must not leave its thread running when dropped.
final class ReadAheadDocumentReaderTests: XCTestCase {
    /// A reader of generated documents: `count` of them (nil: endless), optionally failing instead of
    /// giving document `failingAt`; `bytesPerDocument` is added to `bytesConsumed` per document.
    private final class ScriptedReader: DocumentReader, @unchecked Sendable {
        struct Failure: Error, Equatable { let index: Int }

        private let count: Int?
        private let failingAt: Int?
        private let bytesPerDocument: Int
        private let tally: Tally
        private(set) var bytesConsumed = 0

        init(count: Int?, failingAt: Int? = nil, bytesPerDocument: Int = 100, tally: Tally = Tally()) {
            self.count = count
            self.failingAt = failingAt
            self.bytesPerDocument = bytesPerDocument
            self.tally = tally
        }

        func next() throws -> SourcedDocument? {
            let index = tally.value
            if index == failingAt { throw Failure(index: index) }
            if let count, index >= count { return nil }
            tally.increment()
            bytesConsumed += bytesPerDocument + index % 7
            return SourcedDocument(document: Document(id: "d\(index)", title: "tiêu đề \(index)", body: "thân bài \(index)"),
                                   source: "scripted", line: index + 1)
        }
    }

    /// Documents a `ScriptedReader` gave, readable from another thread than the one reading.
    private final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func increment() { lock.withLock { count += 1 } }
    }

    /// Everything `reader` gives: per document its id, line and the `bytesConsumed` seen right after it,
    /// then the error that ended it (nil at a normal end) and the final `bytesConsumed`.
    private func drain(_ reader: DocumentReader) -> (items: [String], failure: (any Error)?, finalBytes: Int) {
        var items: [String] = []
        do {
            while let item = try reader.next() {
                items.append("\(item.document.id) \(item.source):\(item.line) \(item.document["body"] ?? "-") \(reader.bytesConsumed)")
            }
            return (items, nil, reader.bytesConsumed)
        } catch {
            return (items, error, reader.bytesConsumed)
        }
    }

    func testGivesTheSameDocumentsAndProgressAsTheWrappedReader() {
        // Several times the chunks that may wait, so that the reading thread is held back by a full channel.
        let count = ReadAheadDocumentReader.chunkDocuments * ReadAheadDocumentReader.chunkLimit * 3 + 17
        for bytesPerDocument in [100, ReadAheadDocumentReader.chunkBytes / 3, ReadAheadDocumentReader.chunkBytes + 1] {
            let direct = drain(ScriptedReader(count: count, bytesPerDocument: bytesPerDocument))
            let ahead = ReadAheadDocumentReader(ScriptedReader(count: count, bytesPerDocument: bytesPerDocument))
            let read = drain(ahead)
            XCTAssertEqual(read.items.count, count)
            XCTAssertEqual(read.items, direct.items, "bytes per document \(bytesPerDocument)")
            XCTAssertNil(read.failure)
            XCTAssertEqual(read.finalBytes, direct.finalBytes)
            XCTAssertNil(try ahead.next(), "the end stays the end")
        }
    }

    func testEmptyInputEndsAtOnce() throws {
        let ahead = ReadAheadDocumentReader(ScriptedReader(count: 0))
        XCTAssertNil(try ahead.next())
        XCTAssertEqual(ahead.bytesConsumed, 0)
    }

    func testAnErrorComesAfterEveryDocumentBeforeIt() {
        for failingAt in [0, 1, ReadAheadDocumentReader.chunkDocuments - 1, ReadAheadDocumentReader.chunkDocuments,
                          ReadAheadDocumentReader.chunkDocuments * 5 + 3] {
            let direct = drain(ScriptedReader(count: nil, failingAt: failingAt))
            let ahead = ReadAheadDocumentReader(ScriptedReader(count: nil, failingAt: failingAt))
            let read = drain(ahead)
            XCTAssertEqual(read.items.count, failingAt)
            XCTAssertEqual(read.items, direct.items)
            XCTAssertEqual(read.failure as? ScriptedReader.Failure, ScriptedReader.Failure(index: failingAt))
            XCTAssertEqual(read.finalBytes, direct.finalBytes)
            XCTAssertNil(try ahead.next(), "after its error the input is over")
        }
    }

    func testJSONLErrorsStillNameTheFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readahead-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("docs.jsonl").path
        var lines = (1...300).map { #"{"id": "x\#($0)", "title": "Tin \#($0)", "body": "Nội dung số \#($0)"}"# }
        lines[199] = #"{"id": "x200", "title": 5}"#
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let direct = drain(JSONLDocumentReader(lines: try LineReader(path: path, source: path)))
        let read = drain(ReadAheadDocumentReader(JSONLDocumentReader(lines: try LineReader(path: path, source: path))))
        XCTAssertEqual(read.items.count, 199)
        XCTAssertEqual(read.items, direct.items)
        let message = "\(try XCTUnwrap(read.failure))"
        XCTAssertEqual(message, "\(try XCTUnwrap(direct.failure))")
        XCTAssertTrue(message.contains("docs.jsonl") && message.contains("200"), message)
    }

    func testADroppedReaderStopsItsThread() throws {
        weak var released: ScriptedReader?
        let tally = Tally()
        do {
            let source = ScriptedReader(count: nil, tally: tally)
            released = source
            let ahead = ReadAheadDocumentReader(source)
            for _ in 0..<3 { XCTAssertNotNil(try ahead.next()) }
        }
        // Dropping the reader cancels the thread, which lets go of the endless source at its next chunk.
        let deadline = Date().addingTimeInterval(10)
        while released != nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertNil(released, "the reading thread still holds the source 10 s after the reader was dropped")
        // It read no further than a full channel and the chunk it was filling.
        XCTAssertLessThanOrEqual(tally.value, ReadAheadDocumentReader.chunkDocuments * (ReadAheadDocumentReader.chunkLimit + 2))
    }
}
