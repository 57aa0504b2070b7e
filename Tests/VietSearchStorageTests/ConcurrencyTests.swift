import Foundation
import XCTest
@testable import VietSearchStorage

/// Readers share one segment across threads while a writer keeps committing; builder memory
/// estimates stay honest.
final class ConcurrencyTests: XCTestCase {
    func testConcurrentReadersWhileCommitting() throws {
        for store in [IndexStore.inMemory(),
                      try IndexStore.openDirectory(at: FileManager.default.temporaryDirectory
                        .appendingPathComponent("vs-conc-\(UUID().uuidString)").path, createIfMissing: true)] {
            defer { if let path = store.path { try? FileManager.default.removeItem(atPath: path) } }
            var corpus = RandomCorpus(seed: 51)
            let builder = SegmentBuilder()
            var model = SegmentModel()
            for number in 0..<150 {
                let document = try corpus.document(number: number, builder: builder)
                try builder.add(document)
                model.add(document, fieldCount: 3)
            }
            model.fieldNames = builder.fieldNames
            let meta = try store.writeSegment(builder)
            try store.commit(Manifest(generation: 1, segments: [meta]))
            let reader = try store.openSegment(try store.readManifest().segments[0])

            let expected = model
            let errors = ErrorLog()
            DispatchQueue.concurrentPerform(iterations: 8) { worker in
                do {
                    if worker == 0 {
                        // The writer: more commits (pruning old manifests) while others read.
                        for generation in 2...12 {
                            let extra = SegmentBuilder()
                            try extra.add(DocumentPostings(stored: [], fieldLengths: [], occurrences: []))
                            try store.commit(Manifest(generation: UInt64(generation), segments: [meta, try store.writeSegment(extra)]))
                        }
                    } else {
                        for _ in 0..<2 {
                            try assertSegment(reader, equals: expected)
                            XCTAssertEqual(try store.readManifest().segments.first, meta)
                        }
                    }
                } catch {
                    errors.append("\(worker): \(error)")
                }
            }
            XCTAssertEqual(errors.messages, [])
        }
    }

    func testMemoryEstimateCoversWhatTheBufferHolds() throws {
        var corpus = RandomCorpus(seed: 61, vocabularySize: 2_000)
        let builder = SegmentBuilder()
        var previous = builder.estimatedMemoryBytes
        var positions = 0
        var storedBytes = 0
        var terms = Set<[UInt8]>()
        for number in 0..<600 {
            let document = try corpus.document(number: number, builder: builder, maxTokens: 200)
            try builder.add(document)
            for occurrence in document.occurrences { terms.insert([occurrence.field] + occurrence.term) }
            positions += Set(document.occurrences.map { "\($0.field) \($0.term) \($0.position)" }).count
            storedBytes += document.stored.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
            let estimate = builder.estimatedMemoryBytes
            XCTAssertGreaterThanOrEqual(estimate, previous, "the estimate never shrinks while adding")
            previous = estimate
        }
        // At least one byte per kept position (a varint) plus the stored text; at most a few bytes per
        // position, growth slack on the text and a few hundred bytes of bookkeeping per term.
        XCTAssertGreaterThan(builder.estimatedMemoryBytes, positions + storedBytes)
        XCTAssertLessThan(builder.estimatedMemoryBytes, 8 * positions + 2 * storedBytes + 400 * terms.count)
    }
}

/// Collects failures from concurrent workers.
private final class ErrorLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ message: String) { lock.withLock { stored.append(message) } }
    var messages: [String] { lock.withLock { stored } }
}
