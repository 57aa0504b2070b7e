import Foundation
import XCTest
@testable import VietSearch

/// The bad inputs of README "Reliability", each with its documented behaviour; after each one the
/// committed documents are all still there.
final class BadInputTests: FacadeTestCase {
    private func committedIndex() throws -> Index {
        let index = try Index.open(at: temporaryIndexPath())
        try self.index([Document(id: "keep-1", title: "Đảng viên", body: "biên giới hoà bình"),
                        Document(id: "keep-2", title: "Cấp uỷ", body: "chi bộ nhà nước")], into: index)
        return index
    }

    private func assertCommittedIntact(_ index: Index, file: StaticString = #filePath, line: UInt = #line) throws {
        let searcher = try index.searcher()
        XCTAssertEqual(try searcher.document(id: "keep-1")?["body"], "biên giới hoà bình", file: file, line: line)
        XCTAssertEqual(try searcher.document(id: "keep-2")?["title"], "Cấp uỷ", file: file, line: line)
        XCTAssertEqual(try ids("hoà bình", in: index), ["keep-1"], file: file, line: line)
        XCTAssertNoThrow(try index.check(), file: file, line: line)
    }

    /// Empty, punctuation-only and binary-junk documents are accepted: stored verbatim, findable by id,
    /// matched by no word.
    func testEmptyPunctuationAndJunkDocumentsAreStoredButMatchNoWord() throws {
        let index = try committedIndex()
        let junk = String(decoding: (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }, as: UTF8.self)
        let documents = [
            Document(id: "empty", fields: []),
            Document(id: "blank", title: "", body: ""),
            Document(id: "punct", title: "!!! ... --- ???", body: "«»…“”;:/\\|@#$%^&*()[]{}"),
            Document(id: "junk", title: "\u{0}\u{1}\u{7F}\u{FEFF}\u{200B}", body: junk),
        ]
        try self.index(documents, into: index)
        let searcher = try index.searcher()
        for document in documents {
            XCTAssertEqual(try searcher.document(id: document.id), document, document.id)
            XCTAssertEqual(try ids("id:\(document.id)", in: index), [document.id])
        }
        XCTAssertEqual(try ids("!!! ... ???", in: index), [], "punctuation makes no token")
        XCTAssertEqual(searcher.documentCount, 6)
        try assertCommittedIntact(index)
    }

    /// A large document (4 MB here; `VIETSEARCH_BIG_DOC_MB=100` for the full 100 MB check) is indexed,
    /// found by its last word and stored byte for byte.
    func testLargeDocument() throws {
        let megabytes = Int(ProcessInfo.processInfo.environment["VIETSEARCH_BIG_DOC_MB"] ?? "") ?? 4
        let index = try committedIndex()
        let sentence = "Công tác giáo dục chính trị tư tưởng cho đảng viên ở chi bộ cơ sở. "
        var body = String(repeating: sentence, count: megabytes * 1_048_576 / sentence.utf8.count)
        body += "kếtthúcduynhất"
        let started = Date()
        try self.index([Document(id: "big", title: "Tài liệu lớn", body: body)], into: index)
        let searcher = try index.searcher()
        XCTAssertEqual(try ids("kếtthúcduynhất", in: index), ["big"])
        XCTAssertEqual(try searcher.document(id: "big")?["body"]?.utf8.count, body.utf8.count)
        print("large document: \(body.utf8.count) bytes indexed and searched in \(Date().timeIntervalSince(started)) s")
        try assertCommittedIntact(index)
    }

    /// Documents the writer refuses: a clear error, and the batch's other documents are not committed.
    func testRefusedDocumentsLoseNothingCommitted() throws {
        let index = try committedIndex()
        let writer = try index.writer()
        try writer.add(Document(id: "new-1", title: "mới", body: "tài liệu"))
        XCTAssertThrowsError(try writer.add(Document(id: "new-1", title: "again", body: "x"))) { error in
            guard case .duplicateID(let id, _, _)? = error as? VietSearchError else { return XCTFail("\(error)") }
            XCTAssertEqual(id, "new-1")
        }
        XCTAssertThrowsError(try writer.add(Document(id: "", title: "no id", body: "x")))
        XCTAssertThrowsError(try writer.add(Document(id: "dup-field", fields: [("title", "a"), ("title", "b")])))
        XCTAssertThrowsError(try writer.add(Document(id: "reserved", fields: [("id", "a")])))
        try writer.rollback()
        writer.close()
        XCTAssertNil(try index.searcher().document(id: "new-1"))
        try assertCommittedIntact(index)
    }

    /// Queries cannot take unbounded work: 10,000 terms, 100,000 nested parentheses, a flood of prefixes
    /// and a huge slop each give a parse error with a column (or bounded results) quickly.
    func testHostileQueriesAreBounded() throws {
        let index = try committedIndex()
        let searcher = try index.searcher()
        let tenThousandTerms = (0..<10_000).map { "t\($0)" }.joined(separator: " ")
        let shortTerms = Array(repeating: "a", count: 2_000).joined(separator: " ")
        let deep = String(repeating: "(", count: 100_000) + "đảng" + String(repeating: ")", count: 100_000)
        let started = Date()
        for (query, limit) in [(tenThousandTerms, "longer"), (shortTerms, "clauses"), (deep, "longer"),
                               (String(repeating: "(", count: 40) + "a" + String(repeating: ")", count: 40), "nested")] {
            XCTAssertThrowsError(try searcher.search(query)) { error in
                guard case .queryParse(let column, let message)? = error as? VietSearchError else { return XCTFail("\(error)") }
                XCTAssertGreaterThan(column, 0)
                XCTAssertTrue(message.contains(limit), "\(message) should mention \(limit)")
            }
        }
        let prefixes = (0..<500).map { _ in "b*" }.joined(separator: " ")
        XCTAssertNoThrow(try searcher.search(prefixes))
        XCTAssertThrowsError(try searcher.search("\"đảng viên\"~99999999"), "slop above QueryLimits.maxSlop")
        XCTAssertEqual(try ids("foo:bar", in: index), [], "an unknown field matches nothing")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "hostile queries must stay cheap")
        try assertCommittedIntact(index)
    }
}
