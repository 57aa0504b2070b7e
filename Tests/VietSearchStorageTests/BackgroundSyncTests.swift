import XCTest
@testable import VietSearchStorage

/// A segment's fsync started in the background right after its write (`IndexStore.startSyncingSegment`)
/// and awaited by `syncSegment(_:started:)`: recorded once, after the write and only when awaited; a
/// started sync of another file is not taken for this one's; failures surface.
final class BackgroundSyncTests: XCTestCase {
    private var directories: [String] = []

    override func tearDown() {
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
        directories = []
    }

    private func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vs-bgsync-\(UUID().uuidString)").path
        directories.append(path)
        return path
    }

    private func unsyncedSegment(_ store: IndexStore, word: String) throws -> SegmentMeta {
        let builder = SegmentBuilder()
        let field = try builder.fieldNumber(for: "body")
        try builder.add(DocumentPostings(stored: [StoredField(name: "id", value: word)], fieldLengths: [1],
                                         occurrences: [TermOccurrence(field: field, term: Array(word.utf8), position: 0)]))
        return try store.writeSegment(IndexStore.serializeSegment(builder), syncing: false)
    }

    private func fsyncs(of name: String, in effects: [FileSystemJournal.Effect]) -> [Int] {
        effects.indices.filter { effects[$0] == .fsync(name) }
    }

    func testStartedSyncIsRecordedOnceWhenAwaitedAfterTheWrite() throws {
        let path = temporaryDirectory()
        let store = try IndexStore.openDirectory(at: path, createIfMissing: true)
        let journal = FileSystemJournal.start(directory: path)
        defer { journal.stop() }
        let meta = try unsyncedSegment(store, word: "một")
        let started = try XCTUnwrap(try store.startSyncingSegment(meta))
        // Not durable for the journal until the commit has waited for it.
        XCTAssertTrue(fsyncs(of: meta.fileName, in: journal.effects).isEmpty)
        try store.syncSegment(meta, started: started)
        let effects = journal.effects
        XCTAssertEqual(fsyncs(of: meta.fileName, in: effects).count, 1)
        let written = try XCTUnwrap(effects.firstIndex { if case .write(meta.fileName, _) = $0 { return true } else { return false } })
        XCTAssertLessThan(written, try XCTUnwrap(fsyncs(of: meta.fileName, in: effects).first))
        // Then the commit publishes it, and it reads back.
        try store.commit(Manifest(generation: 1, segments: [meta]))
        XCTAssertEqual(try store.openSnapshot().segments.first?.documentCount, 1)
    }

    func testSyncStartedForAnotherSegmentIsNotTakenForThisOne() throws {
        let path = temporaryDirectory()
        let store = try IndexStore.openDirectory(at: path, createIfMissing: true)
        let journal = FileSystemJournal.start(directory: path)
        defer { journal.stop() }
        let first = try unsyncedSegment(store, word: "hai")
        let second = try unsyncedSegment(store, word: "ba")
        let startedForFirst = try XCTUnwrap(try store.startSyncingSegment(first))
        try store.syncSegment(second, started: startedForFirst)
        XCTAssertEqual(fsyncs(of: second.fileName, in: journal.effects).count, 1, "synced itself")
        XCTAssertTrue(fsyncs(of: first.fileName, in: journal.effects).isEmpty, "the other sync was not awaited")
    }

    func testSyncOutlivesTheFileItSyncsAndFailuresSurface() throws {
        let path = temporaryDirectory()
        let store = try IndexStore.openDirectory(at: path, createIfMissing: true)
        let meta = try unsyncedSegment(store, word: "bốn")
        // A flush merged away is deleted while its sync may still run: the thread holds its own descriptor.
        let pending = try BackgroundSync(path: path + "/" + meta.fileName)
        try store.removeUnreferencedFiles(keeping: Manifest.empty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "/" + meta.fileName))
        try pending.wait()
        try pending.wait()
        XCTAssertThrowsError(try BackgroundSync(path: path + "/missing.vss")) { error in
            guard case StorageError.io(_, _, let code) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, ENOENT)
        }
    }

    func testMemoryStoreStartsNothingAndStillSyncs() throws {
        let store = IndexStore.inMemory()
        let meta = try unsyncedSegment(store, word: "năm")
        XCTAssertNil(try store.startSyncingSegment(meta))
        try store.syncSegment(meta, started: nil)
        try store.commit(Manifest(generation: 1, segments: [meta]))
        XCTAssertEqual(try store.openSnapshot().segments.count, 1)
    }

    /// The commit's only segment is written starting the kernel's writeback every `Writeback.defaultStretch`
    /// bytes: the file holds exactly the parts, and writeback is no durability step (no fsync recorded).
    func testWritingWithWritebackKeepsTheBytesAndSyncsNothing() throws {
        let path = temporaryDirectory()
        let store = try IndexStore.openDirectory(at: path, createIfMissing: true)
        let journal = FileSystemJournal.start(directory: path)
        defer { journal.stop() }
        let stretch = Writeback.defaultStretch
        // Parts of 1 byte to 3 MB, crossing the stretch several times and ending mid-stretch.
        let parts: [ArraySlice<UInt8>] = [1, 3 << 20, 5_000, stretch, 0, 777, stretch + 13, 2].enumerated().map { index, size in
            (0..<size + 1).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) }[1...]
        }
        try store.backend.writeStartingWriteback("big.vss", parts: parts)
        XCTAssertEqual(try store.backend.read("big.vss").copyBytes(), Array(parts.joined()))
        XCTAssertFalse(journal.effects.contains(.fsync("big.vss")))
        XCTAssertTrue(journal.effects.contains(.create("big.vss")))
    }
}
