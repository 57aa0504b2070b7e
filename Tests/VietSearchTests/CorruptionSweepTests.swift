import Foundation
import XCTest
@testable import VietSearch

/// Damages every kind of file of a real on-disk index (segments, the manifest, a deletes file, the lock)
/// by flipping bytes across the whole file and truncating it at many offsets, then opens, searches and
/// checks it through the facade. Every index file is covered by a CRC, so `check` must report each
/// damage as an error naming the damaged file (with an offset inside it). Opening and searching must
/// either fail the same way or give exactly the intact index's results: format 2 checksums every byte a
/// search reads before using it (FORMAT.md, "Checksums"), so a search that succeeds on a damaged file
/// read none of the damaged bytes (postings of terms no query names, stored blocks of documents not
/// shown). No byte of an index file is harmless: `check` catches every flip. Never a crash or a hang.
/// The lock file holds no data: damaging it must change nothing.
final class CorruptionSweepTests: FacadeTestCase {
    private struct Sweep {
        var mutations = 0
        var checkCaught = 0
        var caughtBeforeCheck = 0
        var searchedWithoutError = 0
        var searchedDifferently = 0
    }

    private let queries = ["đảng viên", "biên giới", "\"cấp uỷ\"", "hoa*", "title:nhà"]

    /// Two segments (one with a deletes file), no merges: one file of every kind.
    private func makeIndex() throws -> String {
        let path = temporaryIndexPath()
        var configuration = IndexConfiguration()
        configuration.mergePolicy = nil
        let index = try Index.open(at: path, configuration: configuration)
        let words = ["đảng", "viên", "biên", "giới", "cấp", "uỷ", "nhà", "nước", "hoà", "hoa", "bình"]
        for batch in 0..<2 {
            let writer = try index.writer()
            for i in 0..<12 {
                let n = batch * 12 + i
                let body = (0..<(8 + n % 5)).map { words[($0 * 7 + n) % words.count] }.joined(separator: " ")
                try writer.add(Document(id: "doc-\(n)", title: words[n % words.count] + " " + words[(n + 3) % words.count], body: body))
            }
            if batch == 1 { _ = try writer.delete(id: "doc-3") }
            try writer.commit()
            writer.close()
        }
        return path
    }

    /// What the index answers: every query with all stored fields, then with ids only (read from the id
    /// column, not the stored blocks), to tell a silent wrong answer from a right one.
    private func answers(_ path: String) throws -> [String] {
        try answers(Index.open(at: path, createIfMissing: false).searcher())
    }

    private func answers(_ searcher: Searcher) throws -> [String] {
        var idsOnly = SearchOptions(limit: 50)
        idsOnly.fieldsToLoad = []
        return try queries.map { query in
            try searcher.search(query, options: SearchOptions(limit: 50)).map { "\($0.id) \($0.score) \($0.fields.map(\.value))" }.joined(separator: "|")
        } + queries.map { query in
            try searcher.search(query, options: idsOnly).map { "\($0.id) \($0.score) \($0.fields.count)" }.joined(separator: "|")
        }
    }

    func testIDsOnlySearchGivesTheSameIDs() throws {
        let searcher = try Index.open(at: try makeIndex(), createIfMissing: false).searcher()
        var idsOnly = SearchOptions(limit: 50)
        idsOnly.fieldsToLoad = []
        var hits = 0
        for query in queries {
            let full = try searcher.search(query, options: SearchOptions(limit: 50))
            let bare = try searcher.search(query, options: idsOnly)
            hits += full.count
            XCTAssertEqual(bare.map(\.id), full.map(\.id), query)
            XCTAssertTrue(bare.allSatisfy { $0.fields.isEmpty }, query)
        }
        XCTAssertGreaterThan(hits, 20, "the queries must find documents")
    }

    private func fileName(in path: String, matching predicate: (String) -> Bool) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter(predicate).sorted()
        return try XCTUnwrap(names.last, "no file matching in \(names)")
    }

    /// Does `error` name `file`, with an offset inside it when it gives one?
    private func names(_ error: Error, _ file: String, size: Int) -> Bool {
        switch error as? VietSearchError {
        case .corruptIndex(let named, let offset, _): return named.hasPrefix(file) && offset >= 0 && offset <= size
        case .formatTooOld(let named, _, _), .formatTooNew(let named, _, _): return named.hasPrefix(file)
        default: return false
        }
    }

    /// Applies `damage` to `file`, runs open/search/check, restores the file. Returns a failure message or nil.
    private func probe(_ path: String, _ file: String, expected: [String], sweep: inout Sweep,
                       damage: ([UInt8]) -> [UInt8], label: String) throws -> String? {
        let url = URL(fileURLWithPath: path).appendingPathComponent(file)
        let pristine = try Data(contentsOf: url)
        let damaged = damage([UInt8](pristine))
        try Data(damaged).write(to: url)
        defer { try? pristine.write(to: url) }
        sweep.mutations += 1
        let isLock = file == "write.lock"
        do {
            let index = try Index.open(at: path, createIfMissing: false)
            let got = try answers(try index.searcher())
            sweep.searchedWithoutError += 1
            if got != expected {
                sweep.searchedDifferently += 1
                if isLock { return "\(label): damaged lock file changed search results" }
                return "\(label): search silently returned different results"
            }
        } catch {
            if isLock { return "\(label): damaged lock file broke searching: \(error)" }
            guard names(error, file, size: damaged.count) else { return "\(label): open/search error does not name \(file): \(error)" }
            sweep.caughtBeforeCheck += 1
        }
        do {
            _ = try Index.open(at: path, createIfMissing: false).check()
            if !isLock { return "\(label): check passed a damaged \(file)" }
        } catch {
            if isLock { return "\(label): damaged lock file failed check: \(error)" }
            guard names(error, file, size: damaged.count) else { return "\(label): check error does not name \(file): \(error)" }
            sweep.checkCaught += 1
        }
        return nil
    }

    func testEveryFileKindFlipsAndTruncations() throws {
        let path = try makeIndex()
        let expected = try answers(path)
        let files = [
            try fileName(in: path) { $0.hasPrefix("manifest-") && $0.hasSuffix(".vsm") },
            try fileName(in: path) { $0.hasPrefix("del-") },
        ] + (try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".vss") }.sorted())
            + ["write.lock"]
        XCTAssertEqual(files.count, 5, "expected a manifest, a deletes file, two segments and the lock: \(files)")
        var sweep = Sweep()
        var failures: [String] = []
        for file in files {
            let size = try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(file)).count
            // Every byte of small files; about 300 spread positions (all of header and footer) of larger ones.
            let stride = max(1, size / 300)
            var offsets = Set(Swift.stride(from: 0, to: size, by: stride))
            offsets.formUnion(0..<min(size, 40))
            offsets.formUnion(max(0, size - 160)..<size)
            for offset in offsets.sorted() {
                // A varied but reproducible non-zero mask per offset: a failure names the exact damage.
                let xor = UInt8((offset &* 131 &+ 17) % 255 + 1)
                if let failure = try probe(path, file, expected: expected, sweep: &sweep,
                                           damage: { var b = $0; b[offset] ^= xor; return b },
                                           label: "\(file) byte \(offset) ^ \(xor)") {
                    failures.append(failure)
                }
            }
            for length in Set(Swift.stride(from: 0, to: size, by: max(1, size / 60)) + [size - 1, size - 4, size - 12]).sorted()
            where length >= 0 && length < size {
                if let failure = try probe(path, file, expected: expected, sweep: &sweep,
                                           damage: { Array($0.prefix(length)) }, label: "\(file) truncated to \(length)") {
                    failures.append(failure)
                }
            }
            if let failure = try probe(path, file, expected: expected, sweep: &sweep,
                                       damage: { $0 + [0x00, 0x41] }, label: "\(file) extended by 2 bytes") {
                failures.append(failure)
            }
        }
        XCTAssertEqual(try answers(path), expected, "the sweep must restore every file")
        XCTAssertNoThrow(try Index.open(at: path, createIfMissing: false).check())
        print("corruption sweep: \(sweep.mutations) damaged files, check caught \(sweep.checkCaught), "
            + "open/search caught \(sweep.caughtBeforeCheck) first, \(sweep.searchedWithoutError) searched without error "
            + "(\(sweep.searchedDifferently) with different results), \(failures.count) failures")
        XCTAssert(failures.isEmpty, failures.prefix(20).joined(separator: "\n"))
    }
}
