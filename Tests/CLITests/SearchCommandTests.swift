import Foundation
import XCTest

/// `vietsearch search` end to end over an index of seeds/.
final class SearchCommandTests: XCTestCase {
    private func searchJSON(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let output = try CLIRunner.run(["search", SeedIndex.path, "--json"] + arguments)
        XCTAssertEqual(output.status, 0, output.stderr, file: file, line: line)
        let lines = try output.jsonLines()
        XCTAssertEqual(lines.count, 1, file: file, line: line)
        return lines.first ?? [:]
    }

    private func hits(_ answer: [String: Any]) -> [[String: Any]] {
        answer["hits"] as? [[String: Any]] ?? []
    }

    private func ids(_ answer: [String: Any]) -> [String] {
        hits(answer).compactMap { $0["id"] as? String }
    }

    /// Checks the JSON shape every answer must have and returns the scores.
    private func assertShape(_ answer: [String: Any], query: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(answer["query"] as? String, query, file: file, line: line)
        XCTAssertNotNil(answer["total_hits"] as? Int, file: file, line: line)
        XCTAssertTrue(["eq", "gte"].contains(answer["total_hits_relation"] as? String ?? ""), file: file, line: line)
        XCTAssertNotNil(answer["took_us"] as? Double, file: file, line: line)
        let scores = hits(answer).compactMap { $0["score"] as? Double }
        XCTAssertEqual(scores.count, hits(answer).count, "every hit has a numeric score", file: file, line: line)
        XCTAssertEqual(scores, scores.sorted(by: >), "best first", file: file, line: line)
        for hit in hits(answer) {
            XCTAssertTrue(SeedIndex.ids.contains(hit["id"] as? String ?? ""), "\(hit)", file: file, line: line)
            XCTAssertFalse((hit["title"] as? String ?? "").isEmpty, "\(hit)", file: file, line: line)
        }
    }

    func testAccentedAndUnaccentedQueries() throws {
        let withCapUy = SeedIndex.ids(containing: "cấp ủy").union(SeedIndex.ids(containing: "cấp uỷ"))
        XCTAssertFalse(withCapUy.isEmpty, "the seeds contain cấp ủy")

        let accented = try searchJSON(["cấp ủy"])
        assertShape(accented, query: "cấp ủy")
        XCTAssertTrue(withCapUy.isSubset(of: Set(ids(accented))), "\(ids(accented))")

        let folded = try searchJSON(["cap uy"])
        assertShape(folded, query: "cap uy")
        XCTAssertGreaterThanOrEqual(folded["total_hits"] as? Int ?? 0, accented["total_hits"] as? Int ?? .max,
                                    "folded keys match at least what exact keys match")
        XCTAssertTrue(withCapUy.isSubset(of: Set(ids(folded))))

        let phrase = try searchJSON(["\"đảng viên\""])
        assertShape(phrase, query: "\"đảng viên\"")
        XCTAssertEqual(Set(ids(phrase)), SeedIndex.ids(containing: "đảng viên"))
        XCTAssertEqual(phrase["total_hits"] as? Int, SeedIndex.ids(containing: "đảng viên").count)

        let unaccented = try searchJSON(["dang vien"])
        assertShape(unaccented, query: "dang vien")
        XCTAssertTrue(Set(ids(phrase)).isSubset(of: Set(ids(unaccented))), "dang vien finds Đảng viên")
    }

    /// Past `--total-hits-threshold` the count may be a lower bound, flagged "gte"; `--exact-total` and the
    /// default threshold (far above the seeds' 5 documents) count exactly.
    func testTotalHitsRelation() throws {
        let exact = try searchJSON(["đảng OR viên", "--limit", "1", "--exact-total"])
        XCTAssertEqual(exact["total_hits_relation"] as? String, "eq")
        let total = try XCTUnwrap(exact["total_hits"] as? Int)
        XCTAssertGreaterThan(total, 1)
        let byDefault = try searchJSON(["đảng OR viên", "--limit", "1"])
        XCTAssertEqual(byDefault["total_hits_relation"] as? String, "eq")
        XCTAssertEqual(byDefault["total_hits"] as? Int, total)
        let bounded = try searchJSON(["đảng OR viên", "--limit", "1", "--total-hits-threshold", "1"])
        XCTAssertEqual(bounded["total_hits_relation"] as? String, "gte")
        let lowerBound = try XCTUnwrap(bounded["total_hits"] as? Int)
        XCTAssertTrue((1...total).contains(lowerBound), "\(lowerBound) of \(total)")
        XCTAssertEqual(ids(bounded), ids(exact), "the count never changes the hits")
        let text = try CLIRunner.run(["search", SeedIndex.path, "đảng OR viên", "--limit", "1", "--total-hits-threshold", "1"])
        XCTAssertTrue(text.stdout.hasPrefix("at least \(lowerBound) hits for đảng OR viên"), text.stdout)
    }

    func testOperatorAndRequiresEveryTerm() throws {
        let or = try searchJSON(["đảng xyzzyqwv"])
        XCTAssertGreaterThan(or["total_hits"] as? Int ?? 0, 0)
        let and = try searchJSON(["đảng xyzzyqwv", "--operator", "and"])
        XCTAssertEqual(and["total_hits"] as? Int, 0)
        XCTAssertTrue(ids(and).isEmpty)

        let orBoth = try searchJSON(["dang vien"])
        let andBoth = try searchJSON(["dang vien", "--operator", "and"])
        XCTAssertGreaterThan(andBoth["total_hits"] as? Int ?? 0, 0)
        XCTAssertLessThanOrEqual(andBoth["total_hits"] as? Int ?? .max, orBoth["total_hits"] as? Int ?? 0)
    }

    func testLimitCapsHitsButNotTotal() throws {
        let all = try searchJSON(["đảng OR quân"])
        let two = try searchJSON(["đảng OR quân", "--limit", "2"])
        XCTAssertGreaterThan(all["total_hits"] as? Int ?? 0, 2)
        XCTAssertEqual(ids(two), Array(ids(all).prefix(2)))
        XCTAssertEqual(two["total_hits"] as? Int, all["total_hits"] as? Int)
    }

    func testExplanationComponentsFollowBM25AndSumToScore() throws {
        let answer = try searchJSON(["cấp ủy \"đảng viên\"", "--explain", "--k1", "1.5", "--b", "0.5"])
        XCTAssertFalse(hits(answer).isEmpty)
        for hit in hits(answer) {
            let score = try XCTUnwrap(hit["score"] as? Double)
            let explanation = try XCTUnwrap(hit["explanation"] as? [String: Any], "\(hit)")
            let components = try XCTUnwrap(explanation["components"] as? [[String: Any]])
            XCTAssertFalse(components.isEmpty)
            var sum = 0.0
            for component in components {
                for key in ["clause", "field", "key"] { XCTAssertNotNil(component[key] as? String, key) }
                func number(_ key: String) throws -> Double { try XCTUnwrap(component[key] as? Double, key) }
                let (boost, idf, tf, dl, avgdl) = (try number("boost"), try number("idf"), try number("tf"),
                                                   try number("dl"), try number("avgdl"))
                XCTAssertEqual(try number("k1"), 1.5)
                XCTAssertEqual(try number("b"), 0.5)
                let bm25 = boost * idf * tf / (tf + 1.5 * (1 - 0.5 + 0.5 * dl / avgdl))
                XCTAssertEqual(try number("score"), bm25, accuracy: abs(bm25) * 1e-9)
                sum += try number("score")
            }
            XCTAssertEqual(sum, score, accuracy: abs(score) * 1e-9)
        }
    }

    func testStdinModeAnswersEveryLineAndReportsParseErrors() throws {
        let output = try CLIRunner.run(["search", SeedIndex.path, "--json", "--limit", "3"],
                                       stdin: Data("cấp ủy\n(dang vien\r\ndang vien\n".utf8))
        XCTAssertEqual(output.status, 0, output.stderr)
        let lines = try output.jsonLines()
        XCTAssertEqual(lines.count, 3)
        assertShape(lines[0], query: "cấp ủy")
        XCTAssertEqual(lines[1]["query"] as? String, "(dang vien")
        XCTAssertNotNil(lines[1]["error"] as? String)
        XCTAssertNotNil(lines[1]["column"] as? Int)
        assertShape(lines[2], query: "dang vien")
        XCTAssertLessThanOrEqual(hits(lines[2]).count, 3)
    }

    func testStdinModeAnswersInLockStep() throws {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["search", SeedIndex.path, "--json"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        for query in ["đảng viên", "cap uy"] {
            input.fileHandleForWriting.write(Data((query + "\n").utf8))
            // The input stays open: an answer can only arrive if it is flushed per query.
            let line = try XCTUnwrap(readLine(from: output.fileHandleForReading, timeout: 60), "no answer to \(query)")
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertEqual(object?["query"] as? String, query)
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testTextOutputHasRankedTableAndExplanation() throws {
        let output = try CLIRunner.run(["search", SeedIndex.path, "đảng viên", "--limit", "2", "--explain"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.contains("hits for đảng viên") ?? false, output.stdout)
        XCTAssertTrue(lines.dropFirst().first?.contains("rank") ?? false, output.stdout)
        let json = try searchJSON(["đảng viên", "--limit", "2"])
        for (rank, id) in ids(json).enumerated() {
            XCTAssertTrue(lines.contains { $0.hasPrefix(String(repeating: " ", count: 3) + "\(rank + 1)  ") && $0.contains(id) },
                          output.stdout)
        }
        XCTAssertTrue(output.stdout.contains("idf"), "explanations are printed")
        XCTAssertTrue(output.stdout.contains("= sum of"), output.stdout)
    }

    func testFieldsIDLoadsOnlyIDsInSameOrder() throws {
        let full = try searchJSON(["đảng viên", "--limit", "5"])
        let idsOnly = try searchJSON(["đảng viên", "--limit", "5", "--fields", "id"])
        XCTAssertFalse(ids(full).isEmpty)
        XCTAssertEqual(ids(idsOnly), ids(full))
        XCTAssertEqual(hits(idsOnly).compactMap { $0["score"] as? Double }, hits(full).compactMap { $0["score"] as? Double })
        for hit in hits(idsOnly) { XCTAssertEqual(Set(hit.keys), ["id", "score"], "\(hit)") }
        for hit in hits(full) { XCTAssertFalse((hit["title"] as? String ?? "").isEmpty, "\(hit)") }
    }

    func testFieldsListShowsEachFieldInOrderAndNullForMissingOnes() throws {
        let answer = try searchJSON(["đảng viên", "--limit", "3", "--fields", "id, body,title,nosuchfield"])
        let titles = hits(try searchJSON(["đảng viên", "--limit", "3"])).map { $0["title"] as? String }
        XCTAssertFalse(hits(answer).isEmpty)
        XCTAssertEqual(hits(answer).map { $0["title"] as? String }, titles)
        for hit in hits(answer) {
            XCTAssertEqual(Set(hit.keys), ["id", "score", "body", "title", "nosuchfield"], "\(hit)")
            XCTAssertTrue(hit["nosuchfield"] is NSNull, "\(hit)")
            let body = try XCTUnwrap(hit["body"] as? String, "\(hit)")
            let id = try XCTUnwrap(hit["id"] as? String)
            let seed = try String(contentsOf: URL(fileURLWithPath: CLIRunner.seeds + "/" + id + ".txt"), encoding: .utf8)
            XCTAssertFalse(body.isEmpty, "\(hit)")
            XCTAssertTrue(seed.contains(String(body.suffix(40))), "the body is the seed's stored text: \(hit)")
        }
    }

    func testFieldsIDInTextAndStdinModes() throws {
        let text = try CLIRunner.run(["search", SeedIndex.path, "đảng viên", "--limit", "2", "--fields", "id"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.dropFirst().first)
        XCTAssertTrue(header.hasSuffix("id"), header)
        XCTAssertFalse(header.contains("title"), header)
        let expected = ids(try searchJSON(["đảng viên", "--limit", "2"]))
        XCTAssertEqual(Array(lines.dropFirst(2).map { $0.split(separator: " ").last.map(String.init) ?? "" }), expected)

        let output = try CLIRunner.run(["search", SeedIndex.path, "--json", "--limit", "2", "--fields", "id"],
                                       stdin: Data("đảng viên\ncap uy\n".utf8))
        XCTAssertEqual(output.status, 0, output.stderr)
        let answers = try output.jsonLines()
        XCTAssertEqual(answers.map { $0["query"] as? String }, ["đảng viên", "cap uy"])
        XCTAssertEqual(ids(answers[0]), expected)
        for hit in answers.flatMap(hits) { XCTAssertEqual(Set(hit.keys), ["id", "score"], "\(hit)") }
    }

    func testEmptyFieldNameIsRejected() throws {
        for list in ["", "id,,title"] {
            let output = try CLIRunner.run(["search", SeedIndex.path, "đảng", "--fields", list])
            XCTAssertNotEqual(output.status, 0, list)
            XCTAssertTrue(output.stderr.contains("--fields"), output.stderr)
        }
    }

    func testQueryParseErrorNamesColumnAndExitsOne() throws {
        let output = try CLIRunner.run(["search", SeedIndex.path, "\"đảng viên"])
        XCTAssertEqual(output.status, 1)
        XCTAssertTrue(output.stderr.hasPrefix("error: query: column "), output.stderr)
    }

    /// Reads one line, or nil after `timeout` seconds (so a missing flush fails instead of hanging).
    private func readLine(from handle: FileHandle, timeout: TimeInterval) -> String? {
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var bytes = Data()
            while true {
                let chunk = handle.readData(ofLength: 1)
                if chunk.isEmpty || chunk.first == UInt8(ascii: "\n") { break }
                bytes.append(chunk)
            }
            box.set(String(decoding: bytes, as: UTF8.self))
            done.signal()
        }
        return done.wait(timeout: .now() + timeout) == .success ? box.value : nil
    }
}

/// A line handed from the reader thread to the test.
private final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    func set(_ value: String) { lock.lock(); stored = value; lock.unlock() }
    var value: String? { lock.lock(); defer { lock.unlock() }; return stored }
}
