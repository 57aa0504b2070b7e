import ArgumentParser
import Foundation
import VietSearch

/// The `vietsearch` tool: index, search, inspect and verify VietSearch indexes (README "CLI").
///
/// Exit codes: 0 ok, 1 runtime error (`error: ` and where, on stderr), 2 usage error.
@main
struct VietSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vietsearch",
        abstract: "Vietnamese full-text search.",
        subcommands: [IndexCommand.self, SearchCommand.self, StatsCommand.self, CheckCommand.self,
                      AnalyzeCommand.self, DeleteCommand.self, MergeCommand.self, UnlockCommand.self])

    /// Runtime failures exit 1 and usage errors exit 2 (argument-parser would use 64, EX_USAGE).
    static func main() {
        let code: Int32
        do {
            var command = try parseAsRoot()
            try command.run()
            code = 0
        } catch let error as VietSearchError {
            StandardStream.error.writeLine("error: " + error.cliMessage)
            code = 1
        } catch {
            code = report(argumentParserError: error)
        }
        Foundation.exit(code)
    }

    /// Prints what argument-parser would print for `error` and translates its exit code.
    private static func report(argumentParserError error: Error) -> Int32 {
        let exitCode = exitCode(for: error)
        let message = fullMessage(for: error)
        if exitCode == .success {
            if !message.isEmpty { StandardStream.output.writeLine(message) }
            return 0
        }
        if !message.isEmpty { StandardStream.error.writeLine(message) }
        if exitCode == .validationFailure { return 2 }
        return exitCode.rawValue
    }
}
