import ArgumentParser

/// `--json`: machine-readable output (one JSON object per line) instead of text for people.
struct OutputFormat: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (one object per line) instead of text.")
    var json = false
}
