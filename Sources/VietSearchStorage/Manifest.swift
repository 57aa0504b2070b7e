/// One live segment as the manifest records it.
package struct SegmentMeta: Hashable, Sendable {
    package var id: SegmentID
    /// Number of documents in the segment (local doc ids are 0..<documentCount).
    package var documentCount: UInt32
    /// File name relative to the index directory, e.g. `seg-<id>.vss`.
    package var fileName: String
    /// Exact file size in bytes; opening compares it with the file (cheap truncation check).
    package var fileSize: UInt64
    /// CRC-32 of the whole file except its last 4 bytes (the stored checksum), same value as the footer's.
    package var checksum: UInt32
    /// Documents of the segment deleted as of this commit (0 when none).
    package var deletedCount: UInt32
    /// Generation of the commit that wrote the segment's current deletes file; 0 when it has none.
    package var deletesGeneration: UInt64
    /// CRC-32 of the deletes file (its footer checksum); 0 when there is none.
    package var deletesChecksum: UInt32

    package init(id: SegmentID, documentCount: UInt32, fileName: String, fileSize: UInt64, checksum: UInt32,
                 deletedCount: UInt32 = 0, deletesGeneration: UInt64 = 0, deletesChecksum: UInt32 = 0) {
        self.id = id
        self.documentCount = documentCount
        self.fileName = fileName
        self.fileSize = fileSize
        self.checksum = checksum
        self.deletedCount = deletedCount
        self.deletesGeneration = deletesGeneration
        self.deletesChecksum = deletesChecksum
    }

    /// Documents not deleted.
    package var liveDocumentCount: UInt32 { documentCount - Swift.min(deletedCount, documentCount) }

    /// `del-<id>-<generation>.vsd`, nil when the segment has no deletes.
    package var deletesFileName: String? {
        deletesGeneration == 0 ? nil : DeletedDocs.fileName(segment: id, generation: deletesGeneration)
    }

    /// Every file this segment needs: the segment file and its current deletes file.
    package var fileNames: [String] {
        if let deletes = deletesFileName { return [fileName, deletes] }
        return [fileName]
    }
}

/// A commit point: the ordered list of live segments and the generation that wrote it.
/// Document order across the index is manifest order, then local doc id.
package struct Manifest: Hashable, Sendable {
    /// 0 for an index that has never committed; each commit increments it.
    package var generation: UInt64
    package var segments: [SegmentMeta]

    package init(generation: UInt64, segments: [SegmentMeta]) {
        self.generation = generation
        self.segments = segments
    }

    package static let empty = Manifest(generation: 0, segments: [])
}
