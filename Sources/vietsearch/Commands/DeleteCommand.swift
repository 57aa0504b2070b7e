import ArgumentParser
import VietSearch

/// `vietsearch delete INDEX_DIR ID... [--query Q]`: deletes documents by id and/or by query in one commit.
struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete documents by id, or every document matching --query, in one commit.",
        discussion: """
            Deletions are recorded per commit (a deletes file per segment), never by rewriting segments; \
            merges drop deleted documents later. Ids that are not in the index are reported, not errors.
            """)

    @OptionGroup var location: IndexLocation

    @Argument(help: "Ids of the documents to delete.")
    var ids: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also delete every document matching this query (search syntax).",
                                            valueName: "Q"))
    var query: String?

    @OptionGroup var format: OutputFormat

    func validate() throws {
        if ids.isEmpty && query == nil { throw ValidationError("Give at least one ID or --query.") }
    }

    func run() throws {
        let index = try location.openExisting()
        var deleted = 0
        var missing: [String] = []
        try index.write { writer in
            for id in ids {
                if try writer.delete(id: id) { deleted += 1 } else { missing.append(id) }
            }
            if let query { deleted += try writer.delete(query: query) }
        }
        let statistics = try index.statistics()
        if format.json {
            StandardStream.output.writeLine(JSONValue.object([
                ("deleted", .int(deleted)),
                ("not_found", .array(missing.map { .string($0) })),
                ("documents", .int(statistics.documents)),
                ("generation", .int(Int(clamping: statistics.generation))),
            ]).encoded)
        } else {
            var line = "deleted " + TextFormat.counted(deleted, "document")
            if !missing.isEmpty { line += "; not found: " + missing.joined(separator: ", ") }
            line += "; the index has " + TextFormat.counted(statistics.documents, "document")
            StandardStream.output.writeLine(line)
        }
    }
}
