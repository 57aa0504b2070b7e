import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Terms with byte-identical postings and positions (a folded key and its only exact spelling) share one
/// copy of the data (FORMAT.md, "Shared term data"); reading, checking and merging see two full terms.
final class SharedTermDataTests: XCTestCase {
    /// "e<word>" and "f<word>" at every position of the word, as the facade indexes an unmarked syllable;
    /// "echo" and "fcho" differ (a second spelling "echó" makes the folded list longer).
    private func builder(documents: Int, model: inout SegmentModel) throws -> SegmentBuilder {
        let builder = SegmentBuilder()
        let id = try builder.fieldNumber(for: "id")
        let body = try builder.fieldNumber(for: "body")
        model.fieldNames = ["id", "body"]
        let words = ["xin", "chao", "ban", "cho"]
        for doc in 0..<documents {
            var occurrences = [TermOccurrence(field: id, term: Array("d\(doc)".utf8), position: 0)]
            var text: [String] = []
            for position in 0..<(6 + doc % 5) {
                var word = words[(doc + position * 3) % words.count]
                if word == "cho" && doc % 3 == 0 { word = "chó" }
                text.append(word)
                let folded = word == "chó" ? "cho" : word
                occurrences.append(TermOccurrence(field: body, term: Array(("e" + word).utf8), position: UInt32(position)))
                occurrences.append(TermOccurrence(field: body, term: Array(("f" + folded).utf8), position: UInt32(position)))
            }
            let document = DocumentPostings(stored: [StoredField(name: "id", value: "d\(doc)"),
                                                     StoredField(name: "body", value: text.joined(separator: " "))],
                                            fieldLengths: [0, UInt32(text.count)], occurrences: occurrences)
            try builder.add(document)
            model.add(document, fieldCount: 2)
        }
        return builder
    }

    private func info(_ reader: SegmentReader, _ term: String) throws -> TermInfo {
        try XCTUnwrap(try reader.termInfo(field: 1, term: Array(term.utf8)), term)
    }

    func testIdenticalListsAreWrittenOnceAndReadTwice() throws {
        var model = SegmentModel()
        let store = IndexStore.inMemory()
        let meta = try store.writeSegment(try builder(documents: 300, model: &model))
        let reader = try store.openSegment(meta)
        try reader.verify()
        try assertSegment(reader, equals: model)
        for word in ["xin", "chao", "ban"] {
            let exact = try info(reader, "e" + word), folded = try info(reader, "f" + word)
            XCTAssertEqual(folded.postingsOffset, exact.postingsOffset, word)
            XCTAssertEqual(folded.positionsOffset, exact.positionsOffset, word)
            XCTAssertEqual(folded.postingsChecksum, exact.postingsChecksum, word)
        }
        let cho = try info(reader, "fcho"), exactCho = try info(reader, "echo")
        XCTAssertNotEqual(cho.postingsOffset, exactCho.postingsOffset, "different lists are not shared")
        // Only the owned lists take bytes: the postings section is the sum of the distinct lists.
        var owned = Set<UInt64>()
        var ownedBytes: UInt64 = 0
        for (_, termInfo) in try reader.terms(field: 1, prefix: [], limit: 100) + reader.terms(field: 0, prefix: [], limit: 1_000)
        where owned.insert(termInfo.postingsOffset).inserted {
            ownedBytes += termInfo.postingsLength
        }
        XCTAssertEqual(ownedBytes, UInt64(reader.layout.range(.postings).count))
    }

    func testMergeKeepsSharingAndDamageFailsBothTerms() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vs-shared-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try IndexStore.openDirectory(at: path, createIfMissing: true)
        var first = SegmentModel(), second = SegmentModel()
        let metas = [try store.writeSegment(try builder(documents: 200, model: &first)),
                     try store.writeSegment(try builder(documents: 150, model: &second))]
        let merged = try XCTUnwrap(try store.merge(try metas.map { try store.openSegment($0) }))
        let reader = try store.openSegment(merged)
        try reader.verify()
        var model = first
        for document in 0..<second.stored.count {
            // Re-add the second segment's documents in merged numbering through the model's own API.
            let doc = UInt32(document)
            var occurrences: [TermOccurrence] = []
            for (key, docs) in second.postings { for position in docs[doc] ?? [] {
                occurrences.append(TermOccurrence(field: key.field, term: key.bytes, position: position))
            } }
            model.add(DocumentPostings(stored: second.stored[document], fieldLengths: second.lengths[document],
                                       occurrences: occurrences), fieldCount: 2)
        }
        try assertSegment(reader, equals: model)
        let exact = try info(reader, "exin"), folded = try info(reader, "fxin")
        XCTAssertEqual(folded.postingsOffset, exact.postingsOffset, "the merge shares too")

        var damaged = try store.fileBytes(merged.fileName)
        damaged[reader.layout.range(.postings).lowerBound + Int(exact.postingsOffset) + 1] ^= 0x04
        try store.overwriteFile(merged.fileName, with: damaged)
        let broken = try store.openSegment(merged)
        for term in ["exin", "fxin"] {
            XCTAssertThrowsError(try broken.postings(try info(broken, term)), term) { error in
                guard case StorageError.corrupt(_, let offset, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(offset, broken.layout.range(.postings).lowerBound + Int(exact.postingsOffset))
            }
        }
        XCTAssertNoThrow(try broken.postings(try info(broken, "echo")))
    }
}
