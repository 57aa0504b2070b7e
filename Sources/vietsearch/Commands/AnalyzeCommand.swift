import ArgumentParser
import Foundation
import VietSearch

/// `vietsearch analyze [TEXT]`: the tokens the index sees, with positions, both keys and UTF-8 byte offsets.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze", abstract: "Show how text is tokenised; without TEXT, all of stdin is one text.")

    @Argument(help: "The text to analyse. Omit it to read all of stdin.")
    var text: String?

    @OptionGroup var format: OutputFormat

    func run() throws {
        let tokens = Index.analyze(try text ?? Self.readStandardInput())
        if format.json {
            StandardStream.output.writeLine(JSONValue.object([("tokens", .array(tokens.map { token in
                .object([
                    ("text", .string(token.text)),
                    ("position", .int(token.position)),
                    ("exact", .string(token.exact)),
                    ("folded", .string(token.folded)),
                    ("start", .int(token.start)),
                    ("end", .int(token.end)),
                ])
            }))]).encoded)
            return
        }
        let rows = [["position", "text", "exact", "folded", "bytes"]] + tokens.map { token in
            [String(token.position) + (token.isJoinedForm ? "+" : ""), token.text, token.exact, token.folded,
             "\(token.start)..<\(token.end)"]
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        StandardStream.output.write(rows.map { row in
            zip(row, widths).map { TextFormat.padded($0, to: $1) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces) + "\n"
        }.joined())
    }

    /// All of stdin, decoded strictly so byte offsets refer to the bytes as given.
    private static func readStandardInput() throws -> String {
        let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        switch StrictUTF8.decode(bytes) {
        case .success(let text): return text
        case .failure(let invalid):
            throw VietSearchError.invalidInput(source: "-", line: 0, message: "invalid UTF-8 at byte offset \(invalid.offset)")
        }
    }
}
