import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// `FieldLengthColumn` (the scoring loops' length reader) against the model and the general reader, for
/// bit widths from 1 to 32 and every document, including the last few, whose values end too close to the
/// section's end for the 8-byte load and take the byte-wise path.
final class FieldLengthColumnTests: XCTestCase {
    func testColumnMatchesModelForEveryWidthAndDocument() throws {
        var generator = SeededGenerator(seed: 11)
        let documentCount = 301
        let widths = [1, 3, 7, 8, 9, 13, 16, 17, 24, 31, 32]
        let builder = SegmentBuilder()
        var fields: [UInt8] = []
        for width in widths { fields.append(try builder.fieldNumber(for: "w\(width)")) }
        var model: [[UInt32]] = []
        for _ in 0..<documentCount {
            // Each field's largest value needs exactly its width; the others are random below it.
            let lengths = widths.map { width -> UInt32 in
                let top = width == 32 ? UInt32.max : (UInt32(1) << UInt32(width)) - 1
                return Int.random(in: 0..<8, using: &generator) == 0 ? top : UInt32.random(in: 0...top, using: &generator)
            }
            model.append(lengths)
            try builder.add(DocumentPostings(stored: [], fieldLengths: lengths, occurrences: []))
        }
        let store = IndexStore.inMemory()
        let reader = try store.openSegment(try store.writeSegment(builder))
        for (slot, field) in fields.enumerated() {
            let column = reader.fieldLengthColumn(field: field)
            for doc in 0..<UInt32(documentCount) {
                XCTAssertEqual(try column.length(doc), model[Int(doc)][slot], "width \(widths[slot]) doc \(doc)")
                XCTAssertEqual(try column.length(doc), try reader.fieldLength(field: field, doc: doc))
            }
            XCTAssertThrowsError(try column.length(UInt32(documentCount)), "a doc past the segment is an error")
        }
        // A field the segment does not have: every length is 0, like the general reader.
        let absent = reader.fieldLengthColumn(field: UInt8(widths.count + 3))
        XCTAssertEqual(try absent.length(5), 0)
        XCTAssertEqual(try reader.fieldLength(field: UInt8(widths.count + 3), doc: 5), 0)
    }
}
