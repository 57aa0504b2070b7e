import ArgumentParser
import VietSearch

extension BooleanOperator: ExpressibleByArgument {}
extension ScoringModel: ExpressibleByArgument {}

/// How `search` matches and ranks: operator for bare terms, scoring mode and weights, BM25 parameters,
/// suggestions, explanations.
struct ScoringOptions: ParsableArguments {
    @Option(name: .customLong("operator"), help: "How bare terms combine: or (default) or and.")
    var defaultOperator: BooleanOperator = SearchOptions().defaultOperator

    @Option(name: .long, help: "The ranking function: vietnamese (default: exact before folded, adjacency) or bm25 (the v1 formula).")
    var scoring: ScoringModel = SearchOptions().scoring

    @Option(name: .long, help: "vietnamese: weight w of the folded key of a word typed with marks (0 ≤ w < 1).")
    var foldedWeight: Double = SearchOptions().foldedWeight

    @Option(name: .long, help: "vietnamese: boost of the phrase of two adjacent query words (≥ 0).")
    var adjacencyWeight: Double = SearchOptions().adjacencyWeight

    @Flag(name: .long, inversion: .prefixedNo, help: "Offer the query with marks restored (\"Did you mean\", JSON \"suggestion\").")
    var suggest = SearchOptions().suggest

    @Option(name: .long, help: "BM25 term-frequency saturation k1 (≥ 0).")
    var k1: Double = SearchOptions().k1

    @Option(name: .long, help: "BM25 length normalisation b (0...1).")
    var b: Double = SearchOptions().b

    @Flag(name: .long, help: "Show how each hit's score is made up.")
    var explain = false

    func validate() throws {
        if !(k1 >= 0) || !k1.isFinite { throw ValidationError("--k1 must be a finite number ≥ 0 (got \(k1)).") }
        if !(0...1).contains(b) { throw ValidationError("--b must be between 0 and 1 (got \(b)).") }
        if !(0..<1).contains(foldedWeight) { throw ValidationError("--folded-weight must be ≥ 0 and < 1 (got \(foldedWeight)).") }
        if !(adjacencyWeight >= 0) || !adjacencyWeight.isFinite {
            throw ValidationError("--adjacency-weight must be a finite number ≥ 0 (got \(adjacencyWeight)).")
        }
    }

    /// The library options these flags describe, returning at most `limit` hits.
    func searchOptions(limit: Int) -> SearchOptions {
        var options = SearchOptions(limit: limit, defaultOperator: defaultOperator, explain: explain)
        options.scoring = scoring
        options.k1 = k1
        options.b = b
        options.foldedWeight = foldedWeight
        options.adjacencyWeight = adjacencyWeight
        options.suggest = suggest
        return options
    }
}
