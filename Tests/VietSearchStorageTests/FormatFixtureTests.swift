import Foundation
import XCTest
@testable import VietSearchStorage

/// The tiny version-4 index in Fixtures/storage/v4-tiny (the worked example of FORMAT.md) must stay
/// readable, and the current writer must still produce it byte for byte: a format change without a
/// new version, fixture and FORMAT.md update fails here.
/// Set VIETSEARCH_UPDATE_FIXTURES=1 to rewrite the fixture after a deliberate, documented change.
final class FormatFixtureTests: XCTestCase {
    static let segmentID = SegmentID(bytes: [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                             0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff])

    static var fixtureDirectory: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("Fixtures/storage/v4-tiny")
    }

    /// Two documents: "a" with body "xin chao", "b" with body "chao ban".
    static func tinyBuilder() throws -> SegmentBuilder {
        let builder = SegmentBuilder()
        let id = try builder.fieldNumber(for: "id")
        let body = try builder.fieldNumber(for: "body")
        for (name, words) in [("a", ["xin", "chao"]), ("b", ["chao", "ban"])] {
            var occurrences = [TermOccurrence(field: id, term: Array(name.utf8), position: 0)]
            for (position, word) in words.enumerated() {
                occurrences.append(TermOccurrence(field: body, term: Array(word.utf8), position: UInt32(position)))
            }
            try builder.add(DocumentPostings(stored: [StoredField(name: "id", value: name),
                                                      StoredField(name: "body", value: words.joined(separator: " "))],
                                             fieldLengths: [0, UInt32(words.count)], occurrences: occurrences))
        }
        return builder
    }

    func testTinyFixtureIsReadableAndWrittenByteForByte() throws {
        let id = try XCTUnwrap(Self.segmentID)
        let (parts, checksum, _) = try SegmentWriter.serialize(try Self.tinyBuilder(), id: id)
        let segmentBytes = parts.flatMap { $0 }
        let meta = SegmentMeta(id: id, documentCount: 2, fileName: Manifest.segmentFileName(id),
                               fileSize: UInt64(segmentBytes.count), checksum: checksum)
        let manifestBytes = Manifest(generation: 1, segments: [meta]).encoded()
        let directory = Self.fixtureDirectory
        let segmentURL = directory.appendingPathComponent(meta.fileName)
        let manifestURL = directory.appendingPathComponent(Manifest.fileName(generation: 1))
        if ProcessInfo.processInfo.environment["VIETSEARCH_UPDATE_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(segmentBytes).write(to: segmentURL)
            try Data(manifestBytes).write(to: manifestURL)
        }
        XCTAssertEqual(Array(try Data(contentsOf: segmentURL)), segmentBytes, "writer output differs from the v4 fixture")
        XCTAssertEqual(Array(try Data(contentsOf: manifestURL)), manifestBytes, "manifest differs from the v4 fixture")

        let store = try IndexStore.openDirectory(at: directory.path, createIfMissing: false)
        let manifest = try store.readManifest()
        XCTAssertEqual(manifest, Manifest(generation: 1, segments: [meta]))
        let reader = try store.openSegment(manifest.segments[0])
        try reader.verify()
        XCTAssertEqual(reader.fieldNames, ["id", "body"])
        XCTAssertEqual(try reader.storedFields(doc: 1), [StoredField(name: "id", value: "b"), StoredField(name: "body", value: "chao ban")])
        XCTAssertEqual(reader.sumOfFieldLengths(field: 1), 4)
        XCTAssertEqual(try reader.terms(field: 1, prefix: [], limit: 10).map { String(decoding: $0.term, as: UTF8.self) },
                       ["ban", "chao", "xin"])
        let chao = try XCTUnwrap(try reader.termInfo(field: 1, term: Array("chao".utf8)))
        XCTAssertEqual(chao.documentFrequency, 2)
        var cursor = try reader.postings(chao)
        XCTAssertEqual(try cursor.nextDoc(), 0)
        XCTAssertEqual(try cursor.positions(), [1])
        XCTAssertEqual(try cursor.nextDoc(), 1)
        XCTAssertEqual(try cursor.positions(), [0])
        XCTAssertEqual(try cursor.nextDoc(), PostingsCursor.noMoreDocs)
    }

    /// FORMAT.md's annotated hex dump of the tiny segment is the fixture's bytes: every line with an offset
    /// starts where the previous bytes end, and the dump holds every byte of the file.
    func testFormatDocumentHexDumpIsTheFixture() throws {
        let root = Self.fixtureDirectory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try String(contentsOf: root.appendingPathComponent("FORMAT.md"), encoding: .utf8)
        let fileName = Manifest.segmentFileName(try XCTUnwrap(Self.segmentID))
        let title = try XCTUnwrap(document.range(of: "`\(fileName)`, "), "FORMAT.md names the fixture segment")
        let fence = try XCTUnwrap(document.range(of: "```\n", range: title.upperBound..<document.endIndex))
        let end = try XCTUnwrap(document.range(of: "```", range: fence.upperBound..<document.endIndex))
        var dumped: [UInt8] = []
        for line in document[fence.upperBound..<end.lowerBound].split(separator: "\n") where !line.hasPrefix("#") {
            // "oooo  hh hh …  comment" or a continuation "      hh hh …"; the bytes end at a double space.
            let offset = line.prefix(4)
            let isContinuation = offset.allSatisfy { $0 == " " }
            if !isContinuation {
                XCTAssertEqual(Int(offset, radix: 16), dumped.count, "line \(line)")
            }
            let bytesPart = line.dropFirst(6).components(separatedBy: "  ").first ?? ""
            for pair in bytesPart.split(separator: " ") {
                dumped.append(try XCTUnwrap(UInt8(pair, radix: 16), "\(pair) in \(line)"))
            }
        }
        let fixture = [UInt8](try Data(contentsOf: Self.fixtureDirectory.appendingPathComponent(fileName)))
        XCTAssertEqual(dumped, fixture)
    }
}
