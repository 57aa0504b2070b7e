import Foundation
import VietSearch
import XCTest

/// The README's library example, line for line (on a temporary path), so the documentation compiles and works.
final class ReadmeExampleTests: XCTestCase {
    func testLibraryExample() throws {
        let path = CLIRunner.temporaryPath("readme")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var printed: [String] = []

        let index = try Index.open(at: path)
        let writer = try index.writer()
        try writer.add(Document(id: "1", title: "Đảng viên", body: "Công tác giáo dục…"))
        try writer.commit()
        for hit in try index.searcher().search("dang vien") { printed.append("\(hit.id) \(hit["title"] ?? "")") }

        XCTAssertEqual(printed, ["1 Đảng viên"])
    }
}
