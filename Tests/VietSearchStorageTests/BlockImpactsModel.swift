import XCTest
@testable import VietSearchStorage

/// What a block's impacts must satisfy, checked against the block's documents by brute force (no code of
/// the writer): every document covered, every impact made of the block's own tf and length values, and
/// a block whose (tf, length) Pareto frontier has at most two points stored exactly.
enum BlockImpactsModel {
    /// The pairs no other pair dominates (higher-or-equal tf with lower-or-equal length), ascending tf.
    static func frontier(_ block: [(UInt32, UInt32)]) -> [(UInt32, UInt32)] {
        let dominated = { (p: (UInt32, UInt32)) in
            block.contains { q in q.0 >= p.0 && q.1 <= p.1 && (q.0 != p.0 || q.1 != p.1) }
        }
        var kept: [(UInt32, UInt32)] = []
        for pair in block where !dominated(pair) && !kept.contains(where: { $0 == pair }) { kept.append(pair) }
        return kept.sorted { $0.0 < $1.0 }
    }

    static func assertBounds(_ impacts: BlockImpacts, _ block: [(UInt32, UInt32)], _ name: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        for (tf, length) in block {
            XCTAssertTrue(impacts.covers(termFrequency: tf, fieldLength: length),
                          "\(name): (\(tf), \(length)) not covered by \(impacts)", file: file, line: line)
        }
        let stored = [impacts.first, impacts.second].filter { $0.termFrequency > 0 }
        for impact in stored {
            XCTAssertTrue(block.contains { $0.0 == impact.termFrequency }, "\(name): tf of \(impact) not in block", file: file, line: line)
            XCTAssertTrue(block.contains { $0.1 == impact.fieldLength }, "\(name): length of \(impact) not in block", file: file, line: line)
        }
        let exact = frontier(block)
        if exact.count <= 2 {
            XCTAssertEqual(stored.map(\.termFrequency), exact.map(\.0), name, file: file, line: line)
            XCTAssertEqual(stored.map(\.fieldLength), exact.map(\.1), name, file: file, line: line)
        } else {
            XCTAssertEqual(stored.count, 2, name, file: file, line: line)
        }
    }
}
