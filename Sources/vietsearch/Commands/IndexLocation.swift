import ArgumentParser
import VietSearch

/// The INDEX_DIR argument shared by every command that reads or writes an index.
struct IndexLocation: ParsableArguments {
    @Argument(help: "The index directory.")
    var indexDirectory: String

    func validate() throws {
        if indexDirectory.isEmpty { throw ValidationError("INDEX_DIR must not be empty.") }
    }

    /// Opens an existing index (commands other than `index` never create one).
    func openExisting() throws -> Index {
        try Index.open(at: indexDirectory, createIfMissing: false)
    }
}
