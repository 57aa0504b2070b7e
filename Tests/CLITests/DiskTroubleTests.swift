import Foundation
import VietSearch
import XCTest

/// A write that fails (here: the file-size limit `ulimit -f`, with SIGXFSZ ignored so `write` returns
/// EFBIG as on a full disk) must be reported as an error naming the file, and leave the last commit
/// intact and openable, with nothing of the failed run visible.
final class DiskTroubleTests: XCTestCase {
    private var directory = ""
    private var scratch = ""

    override func setUpWithError() throws {
        directory = CLIRunner.temporaryPath("disk")
        scratch = CLIRunner.temporaryPath("disk-input")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// Runs the CLI under a file-size limit of `kilobytes`.
    private func runLimited(_ arguments: [String], kilobytes: Int) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let quoted = ([CLIRunner.binary.path] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        // ulimit -f counts 512-byte blocks in dash and 1024-byte blocks in bash: ask for the smaller size.
        process.arguments = ["-c", "trap '' XFSZ; ulimit -f \(kilobytes); exec \(quoted)"]
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errorData, as: UTF8.self))
    }

    func testAFailedWriteKeepsTheLastCommitAndReportsTheFile() throws {
        let first = scratch + "/first.jsonl"
        try #"{"id": "kept", "title": "Đảng viên", "body": "biên giới"}"#.write(toFile: first, atomically: false, encoding: .utf8)
        XCTAssertEqual(try CLIRunner.run(["index", directory, first]).status, 0)

        // About 500 KB of varied text: its segment cannot fit under a 64-block limit.
        let words = ["đảng", "viên", "biên", "giới", "nhà", "nước", "học", "sinh", "kinh", "tế"]
        var lines: [String] = []
        for n in 0..<800 {
            let body = (0..<70).map { words[($0 * 31 + n * 7) % words.count] + String($0 % 97) }.joined(separator: " ")
            lines.append(#"{"id": "big-\#(n)", "title": "tài liệu \#(n)", "body": "\#(body)"}"#)
        }
        let big = scratch + "/big.jsonl"
        try lines.joined(separator: "\n").write(toFile: big, atomically: false, encoding: .utf8)

        for command in [["index", directory, big], ["index", directory, big, "--memory-budget", "0.02"]] {
            let result = try runLimited(command, kilobytes: 64)
            XCTAssertEqual(result.status, 1, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("error: "), result.stderr)
            XCTAssertTrue(result.stderr.contains(directory), "the error names the file: \(result.stderr)")
            XCTAssertTrue(result.stderr.lowercased().contains("too large") || result.stderr.contains("EFBIG"), result.stderr)

            let index = try Index.open(at: directory, createIfMissing: false)
            XCTAssertNoThrow(try index.check())
            let searcher = try index.searcher()
            XCTAssertEqual(searcher.documentCount, 1)
            XCTAssertEqual(try searcher.document(id: "kept")?["body"], "biên giới")
            XCTAssertNil(try searcher.document(id: "big-0"))
        }
        // The failed runs left no partial file behind that would block the next run.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
        XCTAssertEqual(try CLIRunner.run(["index", directory, big]).status, 0)
        XCTAssertEqual(try Index.open(at: directory, createIfMissing: false).searcher().documentCount, 801)
    }
}
