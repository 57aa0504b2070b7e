import ArgumentParser
import VietSearch

/// `vietsearch check INDEX_DIR`: verifies every checksum and structure; exit 1 naming the first problem.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Verify every checksum and structure of an index.")

    @OptionGroup var location: IndexLocation
    @OptionGroup var format: OutputFormat

    func run() throws {
        let report: CheckReport
        do {
            report = try location.openExisting().check()
        } catch let error as VietSearchError {
            if format.json {
                StandardStream.output.writeLine(JSONValue.object([
                    ("ok", .bool(false)), ("error", .string(error.cliMessage)),
                ]).encoded)
            }
            throw error
        }
        if format.json {
            StandardStream.output.writeLine(JSONValue.object([
                ("ok", .bool(true)),
                ("generation", .int(Int(clamping: report.generation))),
                ("segments", .int(report.segments)),
                ("documents", .int(report.documents)),
                ("bytes_verified", .int(report.bytesVerified)),
            ]).encoded)
        } else {
            StandardStream.output.writeLine("OK: generation \(report.generation), "
                + TextFormat.counted(report.segments, "segment") + ", " + TextFormat.counted(report.documents, "document")
                + ", \(report.bytesVerified) bytes verified")
        }
    }
}
