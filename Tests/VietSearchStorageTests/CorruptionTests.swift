import XCTest
@testable import VietSearchStorage
import VietSearchTestSupport

/// Damaged files must give a `StorageError`, never a crash or a hang: truncation at many offsets,
/// byte flips everywhere (caught by the checksum), and byte flips with the checksum recomputed so
/// the structural decoders themselves face the bad bytes.
final class CorruptionTests: XCTestCase {
    private struct Subject {
        let store: IndexStore
        let meta: SegmentMeta
        let bytes: [UInt8]
        let terms: [(field: UInt8, term: [UInt8])]
    }

    private func makeSubject() throws -> Subject {
        var corpus = RandomCorpus(seed: 23, vocabularySize: 25)
        let builder = SegmentBuilder()
        for number in 0..<300 { try builder.add(try corpus.document(number: number, builder: builder, maxTokens: 30)) }
        let store = IndexStore.inMemory()
        let meta = try store.writeSegment(builder)
        var terms: [(UInt8, [UInt8])] = corpus.vocabulary.prefix(8).map { (2, $0) }
        terms.append((0, Array("doc7".utf8)))
        return Subject(store: store, meta: meta, bytes: try store.fileBytes(meta.fileName), terms: terms)
    }

    /// Opens and reads everything through the public API; any failure must be a StorageError.
    private func exercise(_ store: IndexStore, _ meta: SegmentMeta, terms: [(field: UInt8, term: [UInt8])], verify: Bool) -> Error? {
        do {
            let reader = try store.openSegment(meta)
            if verify { try reader.verify() }
            for (field, term) in terms {
                if let info = try reader.termInfo(field: field, term: term) {
                    var cursor = try reader.postings(info)
                    var steps = 0
                    while try cursor.nextDoc() != PostingsCursor.noMoreDocs && steps < 10_000 {
                        _ = try cursor.positions()
                        steps += 1
                    }
                    var skipping = try reader.postings(info)
                    _ = try skipping.advance(to: 150)
                    _ = try skipping.positions()
                }
                _ = try reader.terms(field: field, prefix: Array(term.prefix(1)), limit: 50)
            }
            for doc in stride(from: UInt32(0), to: reader.documentCount, by: 37) {
                _ = try reader.storedFields(doc: doc)
                for field in 0..<UInt8(reader.fieldNames.count) { _ = try reader.fieldLength(field: field, doc: doc) }
            }
            return nil
        } catch {
            XCTAssertTrue(error is StorageError, "\(error)")
            return error
        }
    }

    func testIntactSubjectReadsCleanly() throws {
        let subject = try makeSubject()
        XCTAssertNil(exercise(subject.store, subject.meta, terms: subject.terms, verify: true))
    }

    func testTruncationAtManyOffsetsIsCorrupt() throws {
        let subject = try makeSubject()
        var offsets = Array(0..<64) + Array(stride(from: 64, to: subject.bytes.count, by: 97))
        offsets += Array((subject.bytes.count - 40)..<subject.bytes.count)
        for length in offsets {
            let truncated = Array(subject.bytes.prefix(length))
            try subject.store.overwriteFile(subject.meta.fileName, with: truncated)
            let error = exercise(subject.store, subject.meta, terms: subject.terms, verify: false)
            guard case let StorageError.corrupt(file, _, _)? = error as? StorageError else {
                XCTFail("truncated to \(length): \(String(describing: error))")
                continue
            }
            XCTAssertEqual(file, subject.meta.fileName)
            // Even if the manifest agreed with the new size, a truncated file must not read.
            var resized = subject.meta
            resized.fileSize = UInt64(length)
            XCTAssertNotNil(exercise(subject.store, resized, terms: subject.terms, verify: true), "truncated to \(length)")
        }
    }

    func testByteFlipsAnywhereFailVerification() throws {
        let subject = try makeSubject()
        var generator = SeededGenerator(seed: 31)
        var offsets = Array(0..<FileFormat.headerSize) + Array((subject.bytes.count - 200)..<subject.bytes.count)
        offsets += (0..<400).map { _ in Int.random(in: 0..<subject.bytes.count, using: &generator) }
        for offset in offsets {
            var damaged = subject.bytes
            damaged[offset] ^= UInt8.random(in: 1...255, using: &generator)
            try subject.store.overwriteFile(subject.meta.fileName, with: damaged)
            let error = exercise(subject.store, subject.meta, terms: subject.terms, verify: true)
            XCTAssertNotNil(error, "flip at \(offset) went unnoticed")
        }
    }

    /// Every checksum is recomputed after the flip (`SegmentResealer`, and the manifest entry updated), so
    /// only the decoders' own bounds and consistency checks stand between the bytes and a crash.
    func testResignedByteFlipsNeverCrash() throws {
        let subject = try makeSubject()
        var generator = SeededGenerator(seed: 37)
        var detected = 0
        let trials = 400
        for trial in 0..<trials {
            var damaged = subject.bytes
            let flips = trial % 3 + 1
            for _ in 0..<flips {
                let offset = Int.random(in: FileFormat.headerSize..<(damaged.count - FileFormat.footerSize), using: &generator)
                damaged[offset] = trial % 2 == 0 ? damaged[offset] ^ (1 << UInt8.random(in: 0...7, using: &generator))
                                                 : UInt8.random(in: 0...255, using: &generator)
            }
            damaged = SegmentResealer.reseal(damaged)
            let checksum = FileFormat.storedChecksum(of: damaged)
            try subject.store.overwriteFile(subject.meta.fileName, with: damaged)
            var meta = subject.meta
            meta.checksum = checksum
            if exercise(subject.store, meta, terms: subject.terms, verify: true) != nil { detected += 1 }
        }
        // Most random damage to structure must be caught by verify() (some flips hit stored text
        // bytes that stay valid UTF-8, which no structural check can see).
        print("re-signed flips detected: \(detected)/\(trials)")
        XCTAssertGreaterThan(detected, trials / 2)
    }

    func testGarbageFilesNeverCrash() throws {
        var generator = SeededGenerator(seed: 41)
        let store = IndexStore.inMemory()
        let id = SegmentID.random()
        for size in [0, 1, 8, 27, 28, 39, 40, 41, 100, 1_000, 5_000] {
            for _ in 0..<20 {
                var bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
                // A valid header and footer around garbage reaches the section table decoder.
                if size >= 40 {
                    var framed: [UInt8] = []
                    FileFormat.appendHeader(kind: .segment, segmentID: id, to: &framed)
                    framed.append(contentsOf: bytes.prefix(size - 40))
                    let checksum = FileFormat.appendFooter(to: &framed)
                    bytes = framed
                    let meta = SegmentMeta(id: id, documentCount: 3, fileName: Manifest.segmentFileName(id),
                                           fileSize: UInt64(bytes.count), checksum: checksum)
                    try store.overwriteFile(meta.fileName, with: bytes)
                    XCTAssertNotNil(exercise(store, meta, terms: [(0, [0x61])], verify: true))
                }
                let meta = SegmentMeta(id: id, documentCount: 3, fileName: Manifest.segmentFileName(id),
                                       fileSize: UInt64(bytes.count), checksum: 0)
                try store.overwriteFile(meta.fileName, with: bytes)
                XCTAssertNotNil(exercise(store, meta, terms: [(0, [0x61])], verify: true))
                try store.overwriteFile(Manifest.fileName(generation: 1), with: bytes)
                XCTAssertThrowsError(try store.readManifest())
                // A well-framed, correctly checksummed manifest around garbage reaches the entry decoder.
                var manifest: [UInt8] = []
                FileFormat.appendHeader(kind: .manifest, segmentID: nil, to: &manifest)
                manifest.appendUInt64(1)
                manifest.append(contentsOf: bytes.prefix(200))
                FileFormat.appendFooter(to: &manifest)
                try store.overwriteFile(Manifest.fileName(generation: 1), with: manifest)
                do {
                    // Rare garbage is a valid empty list ("count 0"); anything else must be a StorageError.
                    let decoded = try store.readManifest()
                    XCTAssertEqual(decoded.segments, [])
                } catch {
                    XCTAssertTrue(error is StorageError, "\(error)")
                }
            }
        }
    }
}
