import XCTest
@testable import VietSearchQuery

/// Runs `query` pruned and exhaustively and asserts what every pruning path promises: the same hits in the same
/// order with bit-identical scores, and a total that is exact (equal to the exhaustive one) or, flagged, a lower
/// bound of at least `max(threshold, limit)`. Returns how many hits were compared and whether the pruned total
/// was exact.
@discardableResult
func assertPrunedMatchesExhaustive(_ engine: QueryEngine, _ query: String, scoring: ScoringMode = .bm25,
                                   limit: Int, threshold: Int,
                                   file: StaticString = #filePath, line: UInt = #line) throws -> (compared: Int, exact: Bool) {
    var options = QueryOptions(limit: limit)
    options.scoring = scoring
    options.totalHitsThreshold = threshold
    let pruned = try engine.search(query, options: options)
    options.exhaustive = true
    let exhaustive = try engine.search(query, options: options)
    let label = "\(query) \(scoring) top-\(limit) threshold \(threshold)"
    XCTAssertTrue(exhaustive.totalHitsIsExact, label, file: file, line: line)
    if pruned.totalHitsIsExact {
        XCTAssertEqual(pruned.totalHits, exhaustive.totalHits, "\(label): total hits", file: file, line: line)
    } else {
        XCTAssertGreaterThanOrEqual(pruned.totalHits, max(threshold, limit), label, file: file, line: line)
        XCTAssertLessThanOrEqual(pruned.totalHits, exhaustive.totalHits, label, file: file, line: line)
    }
    XCTAssertEqual(pruned.hits.map(\.segment), exhaustive.hits.map(\.segment), label, file: file, line: line)
    XCTAssertEqual(pruned.hits.map(\.doc), exhaustive.hits.map(\.doc), label, file: file, line: line)
    XCTAssertEqual(pruned.hits.map(\.score.bitPattern), exhaustive.hits.map(\.score.bitPattern),
                   "\(label): scores must be bit-identical", file: file, line: line)
    return (exhaustive.hits.count, pruned.totalHitsIsExact)
}
