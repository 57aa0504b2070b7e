import Foundation
import XCTest

/// Runs the built `vietsearch` binary and captures what it prints.
struct CLIRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Every stdout line parsed as a JSON object.
        func jsonLines(file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
            try stdout.split(separator: "\n").map { text in
                let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
                return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(text)", file: file, line: line)
            }
        }
    }

    /// The package root (tests run from anywhere).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `vietsearch` sits next to the test bundle in the build products directory.
    static let binary: URL = {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            products.appendingPathComponent("vietsearch"),
            products.deletingLastPathComponent().appendingPathComponent("vietsearch"),
            packageRoot.appendingPathComponent(".build/debug/vietsearch"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
    }()

    /// Runs `vietsearch arguments...` with `stdin` as its standard input and waits for it.
    static func run(_ arguments: [String], stdin: Data = Data()) throws -> Output {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vs-cli-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inURL = scratch.appendingPathComponent("in"), outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        try stdin.write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// A fresh path for an index (nothing exists there yet); removed by the caller's teardown.
    static func temporaryPath(_ label: String = "index") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vs-cli-\(label)-\(UUID().uuidString)").path
    }

    /// The path of a file under Fixtures/cli.
    static func fixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("Fixtures/cli/\(name)").path
    }

    /// The seeds/ directory at the package root.
    static var seeds: String { packageRoot.appendingPathComponent("seeds").path }
}
