import Foundation
import Synchronization
import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Format 2 checksums every range of a segment and verifies it before use (FORMAT.md, "Checksums"):
/// a flipped byte in a lazily read range opens fine, then fails exactly where that range is read,
/// naming the file and the range's first byte, while the other ranges keep reading correctly.
final class RangeChecksumTests: XCTestCase {
    private struct Subject {
        let store: IndexStore
        let meta: SegmentMeta
        let bytes: [UInt8]
        let layout: SegmentLayout
        let body: UInt8
    }

    private func makeSubject() throws -> Subject {
        var corpus = RandomCorpus(seed: 53, vocabularySize: 12)
        let builder = SegmentBuilder()
        // Enough documents that frequent terms have skip tables and memoised (≥ 512-byte) ranges.
        for number in 0..<1_500 { try builder.add(try corpus.document(number: number, builder: builder, maxTokens: 30)) }
        let store = IndexStore.inMemory()
        let meta = try store.writeSegment(builder)
        let bytes = try store.fileBytes(meta.fileName)
        let layout = try SegmentLayout.parse(FileBytes(name: meta.fileName, copying: bytes))
        let reader = try store.openSegment(meta)
        return Subject(store: store, meta: meta, bytes: bytes, layout: layout, body: try XCTUnwrap(reader.fieldNumber(named: "body")))
    }

    /// The body terms with their infos, most frequent first.
    private func bodyTerms(_ reader: SegmentReader, _ subject: Subject) throws -> [(term: [UInt8], info: TermInfo)] {
        try reader.terms(field: subject.body, prefix: [], limit: 1_000).sorted { $0.info.postingsLength > $1.info.postingsLength }
    }

    /// Opens the subject with `offset` flipped (the manifest entry unchanged: opening compares the stored
    /// footer checksum with the manifest's, it does not recompute it).
    private func open(_ subject: Subject, flipping offset: Int) throws -> SegmentReader {
        var damaged = subject.bytes
        damaged[offset] ^= 0x20
        try subject.store.overwriteFile(subject.meta.fileName, with: damaged)
        return try subject.store.openSegment(subject.meta)
    }

    private func assertCorrupt(_ expression: @autoclosure () throws -> some Any, at offset: Int, _ message: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), message, file: file, line: line) { error in
            guard case let StorageError.corrupt(name, reported, reason) = error else {
                return XCTFail("\(message): \(error)", file: file, line: line)
            }
            XCTAssertEqual(name, "seg-" + "\(subjectID)" + ".vss", file: file, line: line)
            XCTAssertEqual(reported, offset, "\(message): \(reason)", file: file, line: line)
            XCTAssertTrue(reason.contains("checksum"), reason, file: file, line: line)
        }
    }

    private var subjectID = ""

    private func allDocs(_ cursor: inout PostingsCursor) throws -> [UInt32] {
        var docs: [UInt32] = []
        while try cursor.nextDoc() != PostingsCursor.noMoreDocs { docs.append(cursor.doc) }
        return docs
    }

    func testDamagedPostingsFailWhenTheTermIsReadOnly() throws {
        let subject = try makeSubject()
        subjectID = "\(subject.meta.id)"
        let intact = try subject.store.openSegment(subject.meta)
        let terms = try bodyTerms(intact, subject)
        XCTAssertGreaterThanOrEqual(terms[0].info.postingsLength, UInt64(RangeChecksums.memoThreshold), "a memoised range is tested")
        for (damagedTerm, info) in [terms[0], terms[terms.count - 1]] {
            let other = terms[1]
            var expectedOther = try intact.postings(other.info)
            let otherDocs = try allDocs(&expectedOther)
            let start = subject.layout.range(.postings).lowerBound + Int(info.postingsOffset)
            let reader = try open(subject, flipping: start + Int(info.postingsLength) - 1)
            let damagedInfo = try XCTUnwrap(try reader.termInfo(field: subject.body, term: damagedTerm))
            assertCorrupt(try reader.postings(damagedInfo), at: start, "postings of a damaged term")
            // Twice: a failed range is not remembered as verified.
            assertCorrupt(try reader.postings(damagedInfo), at: start, "postings of a damaged term, again")
            var cursor = try reader.postings(try XCTUnwrap(try reader.termInfo(field: subject.body, term: other.term)))
            XCTAssertEqual(try allDocs(&cursor), otherDocs)
            assertCorrupt(try reader.verify(), at: subject.bytes.count - 4, "check recomputes the whole file's CRC first")
        }
    }

    func testDamagedPositionsFailOnFirstPositionsRead() throws {
        let subject = try makeSubject()
        subjectID = "\(subject.meta.id)"
        let info = try bodyTerms(try subject.store.openSegment(subject.meta), subject)[0].info
        let start = subject.layout.range(.positions).lowerBound + Int(info.positionsOffset)
        let reader = try open(subject, flipping: start + 3)
        var cursor = try reader.postings(info)
        XCTAssertNotEqual(try cursor.nextDoc(), PostingsCursor.noMoreDocs, "doc ids do not read positions")
        assertCorrupt(try cursor.positions(), at: start, "positions of a damaged term")
    }

    func testDamagedTermBlockFailsLookupsInThatBlockOnly() throws {
        let subject = try makeSubject()
        subjectID = "\(subject.meta.id)"
        let intact = try subject.store.openSegment(subject.meta)
        let dictionary = intact.dictionary
        XCTAssertGreaterThan(dictionary.blockCount, 1)
        let lastBlock = try dictionary.blockRange(dictionary.blockCount - 1)
        let firstKey = try dictionary.firstKey(0)
        let reader = try open(subject, flipping: lastBlock.lowerBound + 2)
        XCTAssertNotNil(try reader.dictionary.lookup(firstKey), "block 0 is intact")
        let lastKey = try dictionary.firstKey(dictionary.blockCount - 1)
        assertCorrupt(try reader.dictionary.lookup(lastKey), at: lastBlock.lowerBound, "lookup in the damaged block")
    }

    func testDamagedStoredFrameFailsItsDocumentsOnly() throws {
        let subject = try makeSubject()
        subjectID = "\(subject.meta.id)"
        let intact = try subject.store.openSegment(subject.meta)
        XCTAssertGreaterThan(intact.stored.blockCount, 1)
        let entry = try intact.stored.entry(1)
        let reader = try open(subject, flipping: entry.range.upperBound - 1)
        XCTAssertEqual(try reader.storedFields(doc: 0), try intact.storedFields(doc: 0))
        assertCorrupt(try reader.storedFields(doc: entry.firstDoc), at: entry.range.lowerBound, "a document of the damaged frame")
    }

    func testDamagedIDBlockFailsItsDocumentsOnly() throws {
        let subject = try makeSubject()
        subjectID = "\(subject.meta.id)"
        let intact = try subject.store.openSegment(subject.meta)
        XCTAssertGreaterThan(intact.ids.blockCount, 2)
        let block = try intact.ids.blockRange(1)
        let reader = try open(subject, flipping: block.lowerBound + 5)
        let perBlock = UInt32(StoredIDsWriter.blockSize)
        XCTAssertEqual(try reader.storedID(doc: 0), try intact.storedID(doc: 0))
        XCTAssertEqual(try reader.storedID(doc: 2 * perBlock), try intact.storedID(doc: 2 * perBlock))
        assertCorrupt(try reader.storedID(doc: perBlock + 7), at: block.lowerBound, "an id of the damaged block")
        XCTAssertEqual(try reader.storedFields(doc: perBlock + 7), try intact.storedFields(doc: perBlock + 7),
                       "stored fields do not use the id column")
    }

    func testDamagedMetadataFailsOpen() throws {
        let subject = try makeSubject()
        subjectID = "\(subject.meta.id)"
        let metadataChecksum = subject.bytes.count - FileFormat.footerSize - 4
        for section in SegmentSection.eagerlyVerified {
            let range = subject.layout.range(section)
            var damaged = subject.bytes
            damaged[range.upperBound - 1] ^= 0x01
            try subject.store.overwriteFile(subject.meta.fileName, with: damaged)
            assertCorrupt(try subject.store.openSegment(subject.meta), at: metadataChecksum, "damaged \(section.name)")
        }
    }

    /// Threads share one reader and race to verify (and remember) the same large ranges; every thread
    /// reads the same postings and positions (run under `--sanitize=thread` to check the memo).
    func testConcurrentFirstReadsOfMemoisedRanges() throws {
        let subject = try makeSubject()
        let terms = Array(try bodyTerms(try subject.store.openSegment(subject.meta), subject).prefix(4).map(\.info))
        @Sendable func readAll(_ reader: SegmentReader) throws -> [[UInt32]] {
            var result: [[UInt32]] = []
            for info in terms {
                var cursor = try reader.postings(info)
                while try cursor.nextDoc() != PostingsCursor.noMoreDocs { result.append([cursor.doc] + (try cursor.positions())) }
            }
            return result
        }
        let expected = try readAll(try subject.store.openSegment(subject.meta))
        XCTAssertGreaterThan(expected.count, 1_000)
        let shared = try subject.store.openSegment(subject.meta)
        let results = Mutex<[[[UInt32]]]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let got = (try? readAll(shared)) ?? []
            results.withLock { $0.append(got) }
        }
        XCTAssertEqual(results.withLock { $0.count }, 8)
        for got in results.withLock({ $0 }) { XCTAssertEqual(got, expected) }
    }

    /// Resealing an intact segment changes nothing: the tool computes the writer's checksums.
    func testResealingAnIntactSegmentIsIdentity() throws {
        let subject = try makeSubject()
        XCTAssertEqual(SegmentResealer.reseal(subject.bytes), subject.bytes)
        var damaged = subject.bytes
        let postings = subject.layout.range(.postings)
        damaged[postings.lowerBound + postings.count / 2] ^= 0x01
        let resealed = SegmentResealer.reseal(damaged)
        XCTAssertNotEqual(resealed, damaged, "the damaged term's checksum and the footer change")
        var meta = subject.meta
        meta.checksum = FileFormat.storedChecksum(of: resealed)
        try subject.store.overwriteFile(meta.fileName, with: resealed)
        XCTAssertNoThrow(try subject.store.openSegment(meta), "resealed metadata verifies")
    }
}
