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
