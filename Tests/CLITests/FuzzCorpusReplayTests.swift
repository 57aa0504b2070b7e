import Foundation
import VietSearch
import XCTest
@testable import vietsearch

/// Replays the query, analyser and JSONL fuzz corpora (Fixtures/fuzz; crashing inputs found by
/// Fuzz/run.sh are kept there): queries answer or give a `queryParse` error, the analyser's offsets stay
/// inside the input, the JSONL reader yields documents or a `VietSearchError` naming the input.
final class FuzzCorpusReplayTests: XCTestCase {
    private func inputs(_ target: String) throws -> [(name: String, path: String, bytes: [UInt8])] {
        let directory = CLIRunner.packageRoot.appendingPathComponent("Fixtures/fuzz/\(target)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertFalse(names.isEmpty, "empty corpus \(target)")
        return try names.map {
            let url = directory.appendingPathComponent($0)
            return ($0, url.path, [UInt8](try Data(contentsOf: url)))
        }
    }

    func testQueryCorpus() throws {
        let index = Index.inMemory()
        try index.write { writer in
            try writer.add(Document(id: "d0", title: "Đảng viên cấp uỷ", body: "biên giới hoà bình QS-QP"))
        }
        let searcher = try index.searcher()
        for (name, _, bytes) in try inputs("query") {
            do {
                _ = try searcher.search(String(decoding: bytes, as: UTF8.self), options: SearchOptions(limit: 5, explain: true))
            } catch VietSearchError.queryParse(let column, _) {
                XCTAssertGreaterThan(column, 0, name)
            }
        }
    }

    func testAnalyzerCorpus() throws {
        for (name, _, bytes) in try inputs("analyzer") {
            let text = String(decoding: bytes, as: UTF8.self)
            var lastPosition = -1
            for token in Index.analyze(text) {
                XCTAssertTrue(token.start >= 0 && token.start <= token.end && token.end <= text.utf8.count, "\(name): \(token)")
                XCTAssertGreaterThanOrEqual(token.position, lastPosition, name)
                lastPosition = token.position
            }
        }
    }

    func testJSONLCorpus() throws {
        for (name, path, _) in try inputs("jsonl") {
            let reader = JSONLDocumentReader(lines: try LineReader(path: path, source: name))
            do {
                while try reader.next() != nil {}
            } catch let error as VietSearchError {
                XCTAssertTrue("\(error)".contains(name), "\(name): \(error)")
            }
        }
    }
}
