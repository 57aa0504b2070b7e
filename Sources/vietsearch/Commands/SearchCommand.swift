import ArgumentParser
import VietSearch

/// `vietsearch search INDEX_DIR [QUERY]`: one query from the command line, or one per stdin line
/// answered in lock-step (each answer is written and flushed before the next line is read).
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index; without QUERY, answer one query per line of stdin.")

    @OptionGroup var location: IndexLocation

    @Argument(help: "The query (README \"Query syntax\"). Omit it to read queries from stdin.")
    var query: String?

    @OptionGroup var format: OutputFormat

    @Option(name: .long, help: "Maximum number of hits per query.")
    var limit: Int = SearchOptions().limit

    @Option(name: .long, help: "Count matches exactly up to N; past it the count is a lower bound (total_hits_relation \"gte\").")
    var totalHitsThreshold: Int = SearchOptions().totalHitsThreshold

    @Flag(name: .long, help: "Count every match exactly (slower: top-k pruning cannot skip matches).")
    var exactTotal = false

    @OptionGroup var scoring: ScoringOptions

    @OptionGroup var snippetOptions: SnippetOptions

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be ≥ 0 (got \(limit)).") }
        if totalHitsThreshold < 0 {
            throw ValidationError("--total-hits-threshold must be ≥ 0 (got \(totalHitsThreshold)).")
        }
    }

    func run() throws {
        let searcher = try location.openExisting().searcher()
        let printer = SearchPrinter(json: format.json, explain: scoring.explain, snippets: snippetOptions.wanted,
                                    terminal: StandardStream.output.isTerminal)
        var options = snippetOptions.apply(to: scoring.searchOptions(limit: limit))
        // The printer shows ids and titles only: skip decoding bodies (most of a top-100 search otherwise).
        // Snippets decode the fields they cut from themselves.
        options.fieldsToLoad = ["title"]
        options.totalHitsThreshold = exactTotal ? Int.max : totalHitsThreshold
        if let query {
            StandardStream.output.write(printer.format(try Self.timedSearch(query, in: searcher, options: options)))
            return
        }
        while var line = readLine(strippingNewline: true) {
            if line.hasSuffix("\r") { line.removeLast() }
            do {
                StandardStream.output.write(printer.format(try Self.timedSearch(line, in: searcher, options: options)))
            } catch let error as VietSearchError {
                // One bad query must not end a session driven line by line: answer it and go on.
                guard case .queryParse(let column, _) = error else { throw error }
                if format.json {
                    StandardStream.output.write(printer.errorLine(query: line, error: error, column: column))
                } else {
                    StandardStream.error.writeLine("error: " + error.cliMessage)
                }
            }
        }
    }

    /// The answer to one query, with the time spent inside the engine: parsing, expansion, matching and
    /// ranking, restoration (the suggestion) and reading each hit's id and title from the stored fields,
    /// as an application gets them (the shared harness compares it with in-process figures of engines
    /// that fetch each hit's id). Formatting and writing the answer are not counted.
    struct Answer {
        var query: String
        var results: SearchResults
        var microseconds: Double
    }

    private static func timedSearch(_ query: String, in searcher: Searcher, options: SearchOptions) throws -> Answer {
        let clock = ContinuousClock()
        let start = clock.now
        let results = try searcher.search(query, options: options)
        let elapsed = clock.now - start
        return Answer(query: query, results: results, microseconds: elapsed.seconds * 1e6)
    }
}
