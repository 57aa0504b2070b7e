import ArgumentParser
import VietSearch

/// `--snippets [N]` and `--snippet-length`: fragments of each hit's text with the matches marked.
struct SnippetOptions: ParsableArguments {
    /// `--snippets` alone asks for this many fragments per hit.
    static let defaultCount = 1

    @Option(name: .long, defaultAsFlag: SnippetOptions.defaultCount,
            help: "Show the best N fragments of each hit with the matches marked (N defaults to 1).")
    var snippets: Int? = nil

    @Option(name: .customLong("snippet-length"), help: "Target fragment length in characters.")
    var snippetLength: Int = SearchOptions().snippetLength

    func validate() throws {
        if let snippets, snippets < 0 { throw ValidationError("--snippets must be ≥ 0 (got \(snippets)).") }
        if snippetLength < 1 { throw ValidationError("--snippet-length must be ≥ 1 (got \(snippetLength)).") }
    }

    /// True when fragments were asked for.
    var wanted: Bool { (snippets ?? 0) > 0 }

    /// `options` with the snippet settings applied.
    func apply(to options: SearchOptions) -> SearchOptions {
        var options = options
        options.snippets = snippets ?? 0
        options.snippetLength = snippetLength
        return options
    }
}
