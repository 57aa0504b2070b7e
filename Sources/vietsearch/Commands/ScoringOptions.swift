import ArgumentParser
import VietSearch

extension BooleanOperator: ExpressibleByArgument {}
extension ScoringModel: ExpressibleByArgument {}

/// How `search` matches and ranks: operator for bare terms, BM25 parameters, explanations.
struct ScoringOptions: ParsableArguments {
    @Option(name: .customLong("operator"), help: "How bare terms combine: or (default) or and.")
    var defaultOperator: BooleanOperator = SearchOptions().defaultOperator

    @Option(name: .long, help: "The ranking function (bm25 is the only one for now).")
    var scoring: ScoringModel = SearchOptions().scoring

    @Option(name: .long, help: "BM25 term-frequency saturation k1 (≥ 0).")
    var k1: Double = SearchOptions().k1

    @Option(name: .long, help: "BM25 length normalisation b (0...1).")
    var b: Double = SearchOptions().b

    @Flag(name: .long, help: "Show how each hit's score is made up.")
    var explain = false

    func validate() throws {
        if !(k1 >= 0) || !k1.isFinite { throw ValidationError("--k1 must be a finite number ≥ 0 (got \(k1)).") }
        if !(0...1).contains(b) { throw ValidationError("--b must be between 0 and 1 (got \(b)).") }
    }

    /// The library options these flags describe, returning at most `limit` hits.
    func searchOptions(limit: Int) -> SearchOptions {
        var options = SearchOptions(limit: limit, defaultOperator: defaultOperator, explain: explain)
        options.scoring = scoring
        options.k1 = k1
        options.b = b
        return options
    }
}
