import ArgumentParser
import Foundation
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

    @Option(name: .long, help: ArgumentHelp(
        "Comma-separated stored fields to show per hit (default id,title). `--fields id` reads only ids, from the id column.",
        valueName: "list"))
    var fields: String = "id,title"

    /// The stored fields to show besides the id, in the order given, without repeats.
    var shownFields: [String] {
        var seen: Set<String> = []
        return fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "id" && seen.insert($0).inserted }
    }

    @Option(name: .long, help: ArgumentHelp(
        "Reading queries from stdin, poll up to N µs for the next line before sleeping in read, while lines have been coming within N µs (0: never poll).",
        valueName: "µs"))
    var stdinSpinUs: Int = QueryLineReader.defaultSpinMicroseconds

    @OptionGroup var scoring: ScoringOptions

    @OptionGroup var snippetOptions: SnippetOptions

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be ≥ 0 (got \(limit)).") }
        if fields.split(separator: ",", omittingEmptySubsequences: false)
            .contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--fields must be a comma-separated list of field names (got \"\(fields)\").")
        }
        if stdinSpinUs < 0 || stdinSpinUs > QueryLineReader.maximumSpinMicroseconds {
            throw ValidationError(
                "--stdin-spin-us must be in 0...\(QueryLineReader.maximumSpinMicroseconds) (got \(stdinSpinUs)).")
        }
        if totalHitsThreshold < 0 {
            throw ValidationError("--total-hits-threshold must be ≥ 0 (got \(totalHitsThreshold)).")
        }
    }

    func run() throws {
        let searcher = try location.openExisting().searcher()
        let shown = shownFields
        let printer = SearchPrinter(json: format.json, explain: scoring.explain, fields: shown,
                                    snippets: snippetOptions.wanted, terminal: StandardStream.output.isTerminal)
        var options = snippetOptions.apply(to: scoring.searchOptions(limit: limit))
        // Only the shown fields are decoded: bodies are most of a top-100 search otherwise, and ids alone
        // come from the id column without decompressing anything. Snippets decode their fields themselves.
        options.fieldsToLoad = Set(shown)
        options.totalHitsThreshold = exactTotal ? Int.max : totalHitsThreshold
        if let query {
            StandardStream.output.write(printer.format(try Self.timedSearch(query, in: searcher, options: options)))
            return
        }
        let lines = QueryLineReader(spinMicroseconds: stdinSpinUs)
        while let line = lines.next() {
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
    /// ranking, restoration (the suggestion) and reading each hit's shown fields (`--fields`),
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
