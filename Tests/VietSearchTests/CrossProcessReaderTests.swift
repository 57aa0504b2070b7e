import Foundation
import XCTest
@testable import VietSearch

/// A writer in another process (the `vietsearch` binary) replaces documents and garbage-collects
/// files while this process keeps opening searchers: every snapshot must open (retrying when a file
/// vanished between reading the manifest and opening it) and be complete.
final class CrossProcessReaderTests: FacadeTestCase {
    private var binary: URL? {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products.appendingPathComponent("vietsearch"),
                          products.deletingLastPathComponent().appendingPathComponent("vietsearch")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    func testSearchersStayCompleteWhileAnotherProcessCommitsAndCollects() throws {
        let binary = try XCTUnwrap(binary, "the vietsearch binary is built with the tests")
        let path = temporaryIndexPath()
        let input = path + ".jsonl"
        defer { try? FileManager.default.removeItem(atPath: input) }
        let lines = (0..<3).map { #"{"id": "d\#($0)", "title": "chung", "body": "văn bản \#($0)"}"# }
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let index = try Index.open(at: path)
        try index.write { writer in
            for doc in 0..<3 { try writer.add(Document(id: "d\(doc)", title: "chung", body: "văn bản \(doc)")) }
        }
        // Each run replaces the three documents (upsert) in one commit, then collects old files.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "for i in 1 2 3 4; do \"$0\" index \"$1\" \"$2\" >/dev/null || exit 1; done",
                            binary.path, path, input]
        try writer.run()
        var snapshots = 0
        var generations = Set<UInt64>()
        while writer.isRunning || snapshots == 0 {
            let searcher = try index.searcher()
            XCTAssertEqual(searcher.documentCount, 3, "generation \(searcher.generation)")
            XCTAssertEqual(try searcher.search("chung").totalHits, 3, "generation \(searcher.generation)")
            snapshots += 1
            generations.insert(searcher.generation)
            usleep(2_000)  // leave the writer some CPU
        }
        writer.waitUntilExit()
        XCTAssertEqual(writer.terminationStatus, 0)
        XCTAssertEqual(try index.searcher().generation, 5)
        XCTAssertGreaterThan(generations.count, 1, "snapshots of several commits were opened")
    }
}
