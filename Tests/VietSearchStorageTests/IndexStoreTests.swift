import XCTest
@testable import VietSearchStorage

/// Commit points, generations, manifest pruning, cleanup, the writer lock and directory rules,
/// run against both the directory store and the in-memory store where both apply.
final class IndexStoreTests: XCTestCase {
    private var directories: [String] = []

    override func tearDown() {
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
        directories = []
    }

    private func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vs-store-\(UUID().uuidString)").path
        directories.append(path)
        return path
    }

    private func stores() throws -> [IndexStore] {
        [IndexStore.inMemory(), try IndexStore.openDirectory(at: temporaryDirectory(), createIfMissing: true)]
    }

    private func smallSegment(_ store: IndexStore, words: [String]) throws -> SegmentMeta {
        let builder = SegmentBuilder()
        let field = try builder.fieldNumber(for: "body")
        for (doc, word) in words.enumerated() {
            try builder.add(DocumentPostings(stored: [StoredField(name: "id", value: "d\(doc)-\(word)")], fieldLengths: [1],
                                             occurrences: [TermOccurrence(field: field, term: Array(word.utf8), position: 0)]))
        }
        return try store.writeSegment(builder)
    }

    func testSeveralSegmentsAndGenerations() throws {
        for store in try stores() {
            XCTAssertEqual(try store.readManifest(), Manifest.empty)
            var live: [SegmentMeta] = []
            for generation in 1...5 {
                live.append(try smallSegment(store, words: (0..<generation).map { "w\($0)" }))
                try store.commit(Manifest(generation: UInt64(generation), segments: live))
                let manifest = try store.readManifest()
                XCTAssertEqual(manifest.generation, UInt64(generation))
                XCTAssertEqual(manifest.segments, live)
            }
            for (index, meta) in try store.readManifest().segments.enumerated() {
                let reader = try store.openSegment(meta)
                XCTAssertEqual(reader.documentCount, UInt32(index + 1))
                XCTAssertEqual(try reader.storedFields(doc: UInt32(index)), [StoredField(name: "id", value: "d\(index)-w\(index)")])
                XCTAssertEqual(try reader.termInfo(field: 0, term: Array("w0".utf8))?.documentFrequency, 1)
                try reader.verify()
            }
            let manifests = try store.listFiles().map(\.name).filter { $0.hasPrefix("manifest-") }
            XCTAssertEqual(manifests, [Manifest.fileName(generation: 4), Manifest.fileName(generation: 5)], "newest two kept")
            XCTAssertThrowsError(try store.commit(Manifest(generation: 5, segments: [])), "generation must grow")
        }
    }

    func testRemoveUnreferencedFilesKeepsWhatManifestsName() throws {
        for store in try stores() {
            let first = try smallSegment(store, words: ["a"])
            try store.commit(Manifest(generation: 1, segments: [first]))
            let second = try smallSegment(store, words: ["b"])
            try store.commit(Manifest(generation: 2, segments: [second]))
            let third = try smallSegment(store, words: ["c"])
            try store.commit(Manifest(generation: 3, segments: [third]))
            let orphan = try smallSegment(store, words: ["never committed"])
            try store.overwriteFile("manifest-0000000000000009.vsm.tmp", with: [1, 2, 3])

            // Temporary files are not manifests: the newest real one still wins.
            XCTAssertEqual(try store.readManifest().generation, 3)
            try store.removeUnreferencedFiles(keeping: try store.readManifest())
            let names = Set(try store.listFiles().map(\.name))
            XCTAssertTrue(names.contains(third.fileName))
            XCTAssertTrue(names.contains(second.fileName), "generation 2 is still on disk and names it")
            XCTAssertFalse(names.contains(first.fileName))
            XCTAssertFalse(names.contains(orphan.fileName))
            XCTAssertFalse(names.contains("manifest-0000000000000009.vsm.tmp"))
        }
    }

    func testCorruptNewestManifestIsAnErrorNotAFallback() throws {
        for store in try stores() {
            try store.commit(Manifest(generation: 1, segments: [try smallSegment(store, words: ["a"])]))
            try store.commit(Manifest(generation: 2, segments: [try smallSegment(store, words: ["b"])]))
            let name = Manifest.fileName(generation: 2)
            var bytes = try store.fileBytes(name)
            bytes[FileFormat.headerSize + 2] ^= 0x40
            try store.overwriteFile(name, with: bytes)
            XCTAssertThrowsError(try store.readManifest()) { error in
                guard case let StorageError.corrupt(file, _, reason) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(file, name)
                XCTAssertTrue(reason.contains("checksum"), reason)
            }
        }
    }

    func testVersionOutsideRangeIsTooOldOrTooNew() throws {
        for store in try stores() {
            let meta = try smallSegment(store, words: ["a", "b"])
            try store.commit(Manifest(generation: 1, segments: [meta]))
            let original = try store.fileBytes(meta.fileName)
            let manifestName = Manifest.fileName(generation: 1)
            let originalManifest = try store.fileBytes(manifestName)
            for (version, tooOld) in [(UInt32(0), true), (UInt32(1), true), (UInt32(2), true), (UInt32(3), true), (UInt32(5), false), (UInt32.max, false)] {
                for (name, bytes) in [(meta.fileName, original), (manifestName, originalManifest)] {
                    var patched = bytes
                    patched.setUInt32(version, at: 4)
                    try store.overwriteFile(name, with: patched)
                }
                for attempt in [{ _ = try store.openSegment(meta) }, { _ = try store.readManifest() }] {
                    XCTAssertThrowsError(try attempt()) { error in
                        switch error {
                        case let StorageError.versionTooOld(_, found, oldest) where tooOld:
                            XCTAssertEqual(found, version)
                            XCTAssertEqual(oldest, 4)
                        case let StorageError.versionTooNew(_, found, newest) where !tooOld:
                            XCTAssertEqual(found, version)
                            XCTAssertEqual(newest, 4)
                        default: XCTFail("version \(version): \(error)")
                        }
                    }
                }
            }
        }
    }

    func testLockConflictWithinOneProcess() throws {
        for store in try stores() {
            let lock = try store.lockForWriting()
            XCTAssertThrowsError(try store.lockForWriting()) { error in
                guard case let StorageError.locked(_, holder) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(holder, "pid \(ProcessInfo.processInfo.processIdentifier)")
            }
            lock.release()
            lock.release()  // idempotent
            let again = try store.lockForWriting()
            again.release()
        }
    }

    func testLockIsReleasedWhenDeinitialised() throws {
        let store = try IndexStore.openDirectory(at: temporaryDirectory(), createIfMissing: true)
        do { _ = try store.lockForWriting() }
        // A second store object on the same directory sees the lock state through the file.
        let other = try IndexStore.openDirectory(at: store.path ?? "", createIfMissing: false)
        let lock = try other.lockForWriting()
        XCTAssertThrowsError(try store.lockForWriting())
        lock.release()
    }

    func testDirectoryRules() throws {
        let missing = temporaryDirectory() + "/deeper/still"
        XCTAssertThrowsError(try IndexStore.openDirectory(at: missing, createIfMissing: false)) { error in
            XCTAssertEqual(error as? StorageError, .notAnIndex(path: missing))
        }
        let created = try IndexStore.openDirectory(at: missing, createIfMissing: true)
        XCTAssertEqual(created.path, missing)
        XCTAssertEqual(try IndexStore.openDirectory(at: missing, createIfMissing: false).readManifest(), Manifest.empty)

        let foreign = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try Data("hello".utf8).write(to: URL(fileURLWithPath: foreign + "/notes.txt"))
        XCTAssertThrowsError(try IndexStore.openDirectory(at: foreign, createIfMissing: true)) { error in
            XCTAssertEqual(error as? StorageError, .notAnIndex(path: foreign))
        }
        XCTAssertThrowsError(try IndexStore.openDirectory(at: foreign + "/notes.txt", createIfMissing: true))
    }

    func testSegmentFromAnotherIndexIsRejectedById() throws {
        let store = IndexStore.inMemory()
        let first = try smallSegment(store, words: ["a"])
        let second = try smallSegment(store, words: ["a"])
        // Same size, different id: copy the second file over the first's name.
        try store.overwriteFile(first.fileName, with: try store.fileBytes(second.fileName))
        XCTAssertThrowsError(try store.openSegment(first)) { error in
            guard case let StorageError.corrupt(_, offset, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(offset, 12)
            XCTAssertTrue(reason.contains("segment id"), reason)
        }
    }
}

extension IndexStoreTests {
    func testDirectoryCreationErrorNamesThePath() throws {
        let base = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let file = base + "/plain"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try IndexStore.openDirectory(at: file + "/index", createIfMissing: true)) { error in
            guard case let StorageError.io(path, operation, code) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, file + "/index")
            XCTAssertEqual(operation, "create directory")
            XCTAssertEqual(code, ENOTDIR)
        }
        let relative = "vs-relative-\(UUID().uuidString)/a/b"
        defer { try? FileManager.default.removeItem(atPath: String(relative.prefix { $0 != "/" })) }
        XCTAssertNoThrow(try IndexStore.openDirectory(at: relative, createIfMissing: true))
        XCTAssertEqual(try IndexStore.openDirectory(at: relative, createIfMissing: false).readManifest(), Manifest.empty)
    }
}
