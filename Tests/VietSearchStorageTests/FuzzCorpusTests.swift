import Foundation
import XCTest
@testable import VietSearchStorage

/// Replays the segment and manifest fuzz corpora (Fixtures/fuzz; crashing inputs found by Fuzz/run.sh
/// are kept there) through the readers, with the checksums recomputed as the fuzz targets do (every range
/// checksum of a segment, the footer of a manifest): each input must read cleanly or throw a `StorageError`.
final class FuzzCorpusTests: XCTestCase {
    private static let corpusRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url.appendingPathComponent("Fixtures/fuzz")
    }()

    private func inputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = Self.corpusRoot.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertFalse(names.isEmpty, "empty corpus \(target)")
        return try names.map { ($0, [UInt8](try Data(contentsOf: directory.appendingPathComponent($0)))) }
    }

    private func resigned(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= FileFormat.headerSize + FileFormat.footerSize else { return bytes }
        var signed = Array(bytes.dropLast(4))
        signed.appendUInt32(CRC32.checksum(signed))
        return signed
    }

    func testSegmentCorpusReadsOrThrowsStorageErrors() throws {
        var readable = 0
        for (name, input) in try inputs("segment") {
            let bytes = SegmentResealer.reseal(input)
            guard bytes.count >= 40, let id = SegmentID(bytes: Array(bytes[12..<28])) else { continue }
            let file = FileBytes(name: name, copying: bytes)
            let meta = SegmentMeta(id: id, documentCount: (try? SegmentLayout.parse(file).documentCount) ?? 0, fileName: name,
                                   fileSize: UInt64(bytes.count), checksum: CRC32.checksum(Array(bytes.dropLast(4))))
            do {
                let reader = try SegmentReader(meta: meta, bytes: file)
                for field in 0..<UInt8(min(reader.fieldNames.count, 8)) {
                    for (_, info) in try reader.terms(field: field, prefix: [], limit: 64) {
                        var cursor = try reader.postings(info)
                        var steps = 0
                        while try cursor.nextDoc() != PostingsCursor.noMoreDocs && steps < 4_096 {
                            _ = try cursor.positions()
                            steps += 1
                        }
                    }
                }
                for doc in 0..<min(reader.documentCount, 256) { _ = try reader.storedFields(doc: doc) }
                try reader.verify()
                readable += 1
            } catch {
                XCTAssertTrue(error is StorageError, "\(name): \(error)")
            }
        }
        XCTAssertGreaterThan(readable, 0, "the seed segments must read cleanly")
    }

    func testManifestCorpusDecodesOrThrowsStorageErrors() throws {
        var readable = 0
        for (name, input) in try inputs("manifest") {
            do {
                _ = try Manifest.decode(FileBytes(name: name, copying: resigned(input))).encoded()
                readable += 1
            } catch {
                XCTAssertTrue(error is StorageError, "\(name): \(error)")
            }
        }
        XCTAssertGreaterThan(readable, 0, "the seed manifests must decode")
    }
}
