import Foundation
import XCTest
@testable import VietSearch

/// Runs facade tests against both stores: the same behaviour is required in memory and on disk.
class FacadeTestCase: XCTestCase {
    private var directories: [URL] = []

    override func tearDown() {
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
        directories = []
        super.tearDown()
    }

    /// A fresh, not yet existing directory path under the system temp directory, removed after the test.
    func temporaryIndexPath() -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("vietsearch-tests-\(UUID().uuidString)", isDirectory: true)
        directories.append(url)
        return url.path
    }

    /// Calls `body` with an empty in-memory index, then with an empty index in a temporary directory.
    func forEachStore(configuration: IndexConfiguration = IndexConfiguration(),
                      _ body: (Index, String) throws -> Void) throws {
        try body(Index.inMemory(configuration: configuration), "memory")
        try body(try Index.open(at: temporaryIndexPath(), createIfMissing: true, configuration: configuration), "disk")
    }

    /// Adds `documents` in one writer and commits.
    func index(_ documents: [Document], into index: Index) throws {
        let writer = try index.writer()
        defer { writer.close() }
        for document in documents { try writer.add(document) }
        try writer.commit()
    }

    /// An in-memory index of `documents` in one segment (no merge policy, a 4 MiB budget); with `step`, the
    /// documents `documents[first]`, `documents[first + step]`, … are then deleted in a second commit.
    func singleSegmentIndex(of documents: [Document], deletingEvery step: Int?, from first: Int) throws -> Index {
        var configuration = IndexConfiguration(memoryBudget: 4 << 20)
        configuration.mergePolicy = nil
        let index = Index.inMemory(configuration: configuration)
        try self.index(documents, into: index)
        if let step {
            let writer = try index.writer()
            for number in stride(from: first, to: documents.count, by: step) {
                XCTAssertTrue(try writer.delete(id: documents[number].id))
            }
            try writer.commit()
            writer.close()
        }
        return index
    }

    func ids(_ query: String, in index: Index, options: SearchOptions = SearchOptions(limit: 100)) throws -> [String] {
        try index.searcher().search(query, options: options).map(\.id)
    }

    func assertThrows<T>(_ expression: @autoclosure () throws -> T, _ expected: VietSearchError,
                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            XCTAssertEqual(error as? VietSearchError, expected, file: file, line: line)
        }
    }
}
