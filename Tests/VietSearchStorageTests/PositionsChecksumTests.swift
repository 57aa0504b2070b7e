import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// A term's positions bytes are checksummed on a cursor's first positions read, wherever that read is (the
/// first block or one reached by a skip-table jump, a plain read or the phrase join), and not before:
/// stepping through documents and their tfs never touches positions. A damaged byte in the positions
/// throws `corrupt` on every read, since a failed check leaves the positions unverified.
final class PositionsChecksumTests: XCTestCase {
    private struct Damaged {
        var file: FileBytes
        var reader: SegmentReader
        var checksums: RangeChecksums
    }

    /// Documents where "a" spans several postings blocks; with `damaging`, the last byte of "a"'s positions
    /// is flipped (its stored checksum kept).
    private func segment(damaging: Bool) throws -> Damaged {
        var generator = SeededGenerator(seed: 0xc4ec)
        let words = RandomWordDocuments.make(count: 600, longOneIn: 10, longLengths: 150...300, shortLengths: 1...25,
                                             aBelow: 6, bBelow: 9, using: &generator)
        let reader = try bodyWordsSegment(words)
        let base = try XCTUnwrap(reader.bytes.base)
        var bytes = Array(UnsafeRawBufferPointer(start: base, count: reader.bytes.count))
        if damaging {
            let info = try XCTUnwrap(try reader.termInfo(field: 0, term: Array("a".utf8)))
            let last = reader.layout.range(.positions).lowerBound + Int(info.positionsOffset + info.positionsLength) - 1
            bytes[last] ^= 0x5a
        }
        let file = FileBytes(name: damaging ? "damaged" : "intact", copying: bytes)
        return Damaged(file: file, reader: reader, checksums: RangeChecksums(file))
    }

    private func cursor(_ segment: Damaged, _ word: String) throws -> PostingsCursor {
        let info = try XCTUnwrap(try segment.reader.termInfo(field: 0, term: Array(word.utf8)))
        return try PostingsCursor(segment.file, postings: segment.reader.layout.range(.postings),
                                  positions: segment.reader.layout.range(.positions),
                                  documentCount: segment.reader.layout.documentCount, info: info, checksums: segment.checksums)
    }

    private func assertPositionsCorrupt(_ expression: @autoclosure () throws -> Any, _ message: String,
                                        line: UInt = #line) {
        XCTAssertThrowsError(try expression(), message, line: line) { error in
            guard case let StorageError.corrupt(name, _, reason) = error else { return XCTFail("\(message): \(error)", line: line) }
            XCTAssertEqual(name, "damaged", line: line)
            XCTAssertTrue(reason.contains("positions") && reason.contains("checksum"), reason, line: line)
        }
    }

    func testDocumentsAndTfsReadWithoutPositions() throws {
        var damaged = try cursor(try segment(damaging: true), "a")
        var documents = 0
        var doc = try damaged.nextDoc()
        while doc != PostingsCursor.noMoreDocs {
            XCTAssertGreaterThan(damaged.currentFrequency(), 0)
            documents += 1
            doc = try damaged.nextDoc()
        }
        XCTAssertGreaterThan(documents, 3 * PostingsWriter.blockSize, "the list spans several blocks")
    }

    func testFirstReadInAnyBlockChecksThePositions() throws {
        let damaged = try segment(damaging: true), intact = try segment(damaging: false)
        for jump: UInt32 in [0, 300, 550] {
            var good = try cursor(intact, "a")
            let target = try good.advance(to: jump)
            XCTAssertNotEqual(target, PostingsCursor.noMoreDocs)
            XCTAssertFalse(try good.positions().isEmpty, "intact bytes read from doc \(target)")
            var bad = try cursor(damaged, "a")
            XCTAssertEqual(try bad.advance(to: jump), target)
            assertPositionsCorrupt(try bad.positions(), "first read at doc \(target)")
            assertPositionsCorrupt(try bad.positions(), "second read at doc \(target)")
            _ = try bad.nextDoc()
            assertPositionsCorrupt(try bad.positions(), "read after a step from doc \(target)")
        }
    }

    func testPhraseJoinChecksThePositions() throws {
        let damaged = try segment(damaging: true)
        for phrase in [["a", "b"], ["b", "a", "c"], ["c", "a", "b", "a"]] {
            var opened = try phrase.map { try cursor(damaged, $0) }
            for index in opened.indices { _ = try opened[index].nextDoc() }
            let join = PhraseJoinMemory(rarestFirst: opened, startsCapacity: 1)
            assertPositionsCorrupt(try PostingsCursor.nextExactPhrase(join.cursors, order: join.order, count: join.count,
                                                                      atOrAfter: 0, starts: &join.starts,
                                                                      capacity: &join.capacity).frequency, "\(phrase)")
        }
    }
}
