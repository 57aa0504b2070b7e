import Foundation
import XCTest

/// `vietsearch index` end to end: summaries, every kind of bad input (nothing committed, exit 1,
/// file and line named), stdin input, memory budget.
final class IndexCommandTests: TemporaryPathsTestCase {
    func testIndexSeedsPrintsOneJSONSummaryLine() throws {
        let index = newIndexPath()
        let output = try CLIRunner.run(["index", index, CLIRunner.seeds, "--json"])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stderr, "", "no progress bar when stderr is not a terminal")
        let lines = try output.jsonLines()
        XCTAssertEqual(lines.count, 1)
        XCTAssertEqual(lines.first?["docs"] as? Int, 5)
        XCTAssertGreaterThanOrEqual(lines.first?["segments"] as? Int ?? 0, 1)
        XCTAssertNotNil(lines.first?["seconds"] as? Double)

        let stats = try CLIRunner.run(["stats", index, "--json"]).jsonLines()
        XCTAssertEqual(stats.first?["documents"] as? Int, 5)
    }

    func testTextSummaryAndSecondRunAddsDocuments() throws {
        let index = newIndexPath()
        let first = try CLIRunner.run(["index", index, CLIRunner.fixture("news.jsonl")])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.hasPrefix("indexed 3 documents"), first.stdout)
        let second = try CLIRunner.run(["index", index, CLIRunner.seeds, "--json"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try documentCount(index), 8)
    }

    func testIndexingTheSameFilesTwiceReplacesThem() throws {
        let index = newIndexPath()
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.seeds]).status, 0)
        let again = try CLIRunner.run(["index", index, CLIRunner.seeds, "--json"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try again.jsonLines().first?["replaced"] as? Int, 5)
        XCTAssertEqual(try documentCount(index), 5)
    }

    func testAnIDRepeatedWithinOneRunIsAnErrorNamingTheFile() throws {
        let index = newIndexPath()
        let twice = try CLIRunner.run(["index", index, CLIRunner.seeds, CLIRunner.seeds])
        XCTAssertEqual(twice.status, 1)
        let first = "000_9f10ce85d8b31090"
        XCTAssertEqual(twice.stderr, "error: \(CLIRunner.seeds)/\(first).txt: duplicate id \"\(first)\"\n")
        XCTAssertEqual(try documentCount(index), 0)
    }

    func testAnIDAlreadyCommittedIsReplaced() throws {
        let index = newIndexPath()
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.fixture("news.jsonl")]).status, 0)
        let output = try CLIRunner.run(["index", index, CLIRunner.fixture("duplicate-of-committed.jsonl")])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("(1 replacement)"), output.stdout)
        XCTAssertEqual(try documentCount(index), 4)
        let search = try CLIRunner.run(["search", index, "trùng", "--json"]).jsonLines()
        XCTAssertEqual((search.first?["hits"] as? [[String: Any]])?.first?["id"] as? String, "n2")
    }

    func testBadInputCommitsNothingAndNamesFileAndLine() throws {
        let index = newIndexPath()
        XCTAssertEqual(try CLIRunner.run(["index", index, CLIRunner.fixture("news.jsonl")]).status, 0)
        let cases: [(file: String, message: String)] = [
            ("title-not-string.jsonl", "title-not-string.jsonl:3: \"title\" must be a string"),
            ("duplicate-in-run.jsonl", "duplicate-in-run.jsonl:3: duplicate id \"d1\""),
            ("invalid-utf8.jsonl", "invalid-utf8.jsonl:2: invalid UTF-8 at byte offset"),
            ("not-an-object.jsonl", "not-an-object.jsonl:2: expected a JSON object"),
            ("missing-id.jsonl", "missing-id.jsonl:1: missing \"id\""),
        ]
        for expected in cases {
            // The seeds come first, so a failure must also discard documents that were valid.
            let output = try CLIRunner.run(["index", index, CLIRunner.seeds, CLIRunner.fixture(expected.file)])
            XCTAssertEqual(output.status, 1, expected.file)
            XCTAssertTrue(output.stderr.hasPrefix("error: "), output.stderr)
            XCTAssertTrue(output.stderr.contains(expected.message), "\(expected.file): \(output.stderr)")
            XCTAssertEqual(try documentCount(index), 3, "\(expected.file): nothing of the failed run is committed")
        }
        // The valid first line of the failed file is not searchable either.
        let search = try CLIRunner.run(["search", index, "quýt", "--json"]).jsonLines()
        XCTAssertEqual(search.first?["total_hits"] as? Int, 0)
    }

    func testStandardInputIsJSONLNamedDash() throws {
        let index = newIndexPath()
        let news = try Data(contentsOf: URL(fileURLWithPath: CLIRunner.fixture("news.jsonl")))
        let output = try CLIRunner.run(["index", index, "-", "--json"], stdin: news)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(try output.jsonLines().first?["docs"] as? Int, 3)

        let bad = try CLIRunner.run(["index", index, "-"], stdin: Data("{\"id\": \"z\"}\nnot json\n".utf8))
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("error: -:2: invalid JSON"), bad.stderr)
        XCTAssertEqual(try documentCount(index), 3)
    }

    func testSmallMemoryBudgetGivesSeveralSegmentsAndTheSameScores() throws {
        let oneSegment = newIndexPath(), manySegments = newIndexPath()
        XCTAssertEqual(try CLIRunner.run(["index", oneSegment, CLIRunner.seeds]).status, 0)
        // The seeds are 37 KB of text, about 0.2 MiB of buffer: 1 MiB would hold them all in one segment.
        // Three threads as well: batches built in parallel must not change a hit, a score or the order.
        // Without the final merge: the commit publishes the segments as flushed.
        let small = try CLIRunner.run(["index", manySegments, CLIRunner.seeds, "--memory-budget", "0.2", "--threads", "3",
                                       "--no-merge-flushed", "--json"])
        XCTAssertEqual(small.status, 0, small.stderr)
        XCTAssertGreaterThan(try small.jsonLines().first?["segments"] as? Int ?? 0, 1)
        try assertSameResults(manySegments, as: oneSegment)
    }

    func testSegmentsFlushedDuringARunAreMergedIntoOneBeforeTheCommit() throws {
        let oneSegment = newIndexPath(), merged = newIndexPath()
        XCTAssertEqual(try CLIRunner.run(["index", oneSegment, CLIRunner.seeds]).status, 0)
        let small = try CLIRunner.run(["index", merged, CLIRunner.seeds, "--memory-budget", "0.2", "--threads", "3", "--json"])
        XCTAssertEqual(small.status, 0, small.stderr)
        XCTAssertEqual(try small.jsonLines().first?["segments"] as? Int, 1)
        XCTAssertEqual(try stats(merged)["generation"] as? Int, 1, "one commit publishes one generation")
        let files = try FileManager.default.contentsOfDirectory(atPath: merged)
        XCTAssertEqual(files.filter { $0.hasSuffix(".vss") }.count, 1, "no superseded segment left: \(files)")
        try assertSameResults(merged, as: oneSegment)
    }

    /// Same hits, order and scores for a few queries.
    private func assertSameResults(_ index: String, as reference: String) throws {
        let queries = Data("cấp ủy\ndang vien\n\"đảng viên\"\nquân sự OR hà nội\n".utf8)
        let expected = try CLIRunner.run(["search", reference, "--json", "--limit", "20"], stdin: queries).jsonLines()
        let actual = try CLIRunner.run(["search", index, "--json", "--limit", "20"], stdin: queries).jsonLines()
        XCTAssertEqual(expected.count, 4)
        XCTAssertEqual(actual.count, 4)
        for (want, got) in zip(expected, actual) {
            XCTAssertEqual(got["total_hits"] as? Int, want["total_hits"] as? Int)
            let wantHits = want["hits"] as? [[String: Any]] ?? [], gotHits = got["hits"] as? [[String: Any]] ?? []
            XCTAssertFalse(wantHits.isEmpty, "\(want["query"] ?? "")")
            XCTAssertEqual(gotHits.compactMap { $0["id"] as? String }, wantHits.compactMap { $0["id"] as? String })
            for (w, g) in zip(wantHits, gotHits) {
                let ws = w["score"] as? Double ?? .nan, gs = g["score"] as? Double ?? .nan
                XCTAssertEqual(gs, ws, accuracy: abs(ws) * 1e-9, "statistics must be global across segments")
            }
        }
    }

    func testSecondWriterIsRefusedWhileTheFirstHoldsTheLock() throws {
        let index = newIndexPath()
        let first = Process()
        first.executableURL = CLIRunner.binary
        first.arguments = ["index", index, "-", "--json"]
        let input = Pipe()
        first.standardInput = input
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { first.terminate() } }
        // The lock holder writes its pid into write.lock once it has the lock.
        let lockFile = URL(fileURLWithPath: index).appendingPathComponent("write.lock")
        let deadline = Date().addingTimeInterval(60)
        while (try? String(contentsOf: lockFile, encoding: .utf8)) != "\(first.processIdentifier)\n" && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }

        let second = try CLIRunner.run(["index", index, CLIRunner.fixture("news.jsonl")])
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.hasPrefix("error: "), second.stderr)
        XCTAssertTrue(second.stderr.contains("locked"), second.stderr)
        XCTAssertTrue(second.stderr.contains("pid \(first.processIdentifier)"), second.stderr)

        input.fileHandleForWriting.write(Data(#"{"id": "only", "title": "Một tin", "body": "nội dung"}"#.utf8 + [0x0A]))
        try input.fileHandleForWriting.close()
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
        XCTAssertEqual(try documentCount(index), 1, "only the lock holder's document is committed")
    }

    func testEmptyIDIsAnErrorWithFileAndLine() throws {
        let index = newIndexPath()
        let output = try CLIRunner.run(["index", index, "-"], stdin: Data("\n{\"id\": \"\", \"title\": \"x\"}\n".utf8))
        XCTAssertEqual(output.status, 1)
        XCTAssertTrue(output.stderr.hasPrefix("error: -:2: "), output.stderr)
        XCTAssertTrue(output.stderr.contains("id"), output.stderr)
    }

    func testUsageErrorsExitTwo() throws {
        let index = newIndexPath()
        let invocations: [[String]] = [
            ["index", index],
            ["index", index, CLIRunner.seeds, "--memory-budget", "0"],
            ["index", index, CLIRunner.seeds, "--threads", "0"],
            ["search", index, "x", "--limit=-1"],
            ["search", index, "x", "--operator", "xor"],
            ["search", index, "x", "--b", "2"],
            ["search", index, "x", "--k1=-1"],
            ["search", index, "x", "--scoring", "tfidf"],
            ["search"],
            ["frobnicate"],
            ["stats", index, "--no-such-flag"],
        ]
        for arguments in invocations {
            let output = try CLIRunner.run(arguments)
            XCTAssertEqual(output.status, 2, "\(arguments): \(output.stderr)")
            XCTAssertFalse(output.stderr.isEmpty, "\(arguments)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: index), "a usage error must not create the index")
    }

    func testMissingIndexAndInputAreRuntimeErrors() throws {
        let index = newIndexPath()
        let search = try CLIRunner.run(["search", index, "đảng"])
        XCTAssertEqual(search.status, 1)
        XCTAssertTrue(search.stderr.hasPrefix("error: \(index)"), search.stderr)
        let missing = try CLIRunner.run(["index", index, "/no/such/input.jsonl"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "error: /no/such/input.jsonl: no such file or directory\n")
    }

    private func stats(_ index: String) throws -> [String: Any] {
        let output = try CLIRunner.run(["stats", index, "--json"])
        XCTAssertEqual(output.status, 0, output.stderr)
        return try output.jsonLines().first ?? [:]
    }

    private func documentCount(_ index: String) throws -> Int? {
        let output = try CLIRunner.run(["stats", index, "--json"])
        XCTAssertEqual(output.status, 0, output.stderr)
        return try output.jsonLines().first?["documents"] as? Int
    }
}
