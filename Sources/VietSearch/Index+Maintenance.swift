import VietSearchStorage

extension Index {
    /// Verifies every checksum and structure; throws the first problem found
    /// (`.corruptIndex` naming the file and byte offset, or a format-version error).
    public func check() throws -> CheckReport {
        try VietSearchError.mapping {
            let manifest = try store.readManifest()
            var documents = 0
            var bytes = 0
            for meta in manifest.segments {
                let segment = try store.openSegment(meta)
                try segment.verify()
                documents += Int(segment.liveDocumentCount)
                bytes += Int(meta.fileSize)
            }
            return CheckReport(generation: manifest.generation, segments: manifest.segments.count,
                               documents: documents, bytesVerified: bytes)
        }
    }

    /// Counts and sizes, for `vietsearch stats`. Files that are not live segments (the manifest, and
    /// any leftover temporary file) count as "manifest"; the lock file is not counted.
    public func statistics() throws -> IndexStatistics {
        try VietSearchError.mapping {
            let manifest = try store.readManifest()
            var documents = 0
            var termsPerField: [String: Int] = [:]
            var bytes: [String: Int] = ["termDictionary": 0, "postings": 0, "positions": 0, "fieldLengths": 0,
                                        "storedFields": 0, "other": 0, "manifest": 0]
            var details: [SegmentStatistics] = []
            for meta in manifest.segments {
                let segment = try store.openSegment(meta)
                documents += Int(segment.liveDocumentCount)
                details.append(SegmentStatistics(id: meta.id.description, documents: Int(meta.documentCount),
                                                 deletedDocuments: Int(meta.deletedCount),
                                                 deletesGeneration: meta.deletesGeneration, bytes: Int(meta.fileSize)))
                for (number, name) in segment.fieldNames.enumerated() where number <= Int(UInt8.max) {
                    termsPerField[name, default: 0] += Int(segment.termCount(field: UInt8(number)))
                }
                let sizes = segment.componentSizes
                bytes["termDictionary", default: 0] += sizes.termDictionary
                bytes["postings", default: 0] += sizes.postings
                bytes["positions", default: 0] += sizes.positions
                bytes["fieldLengths", default: 0] += sizes.fieldLengths
                bytes["storedFields", default: 0] += sizes.storedFields
                bytes["other", default: 0] += sizes.other
            }
            let segmentFiles = Set(manifest.segments.map(\.fileName))
            let sizes = Dictionary(try store.listFiles().map { ($0.name, Int($0.size)) }, uniquingKeysWith: { a, _ in a })
            for (index, meta) in manifest.segments.enumerated() {
                guard let deletes = meta.deletesFileName, let size = sizes[deletes] else { continue }
                details[index].bytes += size
                // A deletes file is live-docs bookkeeping: counted with the field lengths' "other" bytes.
                bytes["other", default: 0] += size
            }
            let deletesFiles = Set(manifest.segments.compactMap(\.deletesFileName))
            for file in try store.listFiles() where !segmentFiles.contains(file.name) && !deletesFiles.contains(file.name) && file.name != "write.lock" {
                bytes["manifest", default: 0] += Int(file.size)
            }
            return IndexStatistics(generation: manifest.generation, documents: documents,
                                   segments: manifest.segments.count, termsPerField: termsPerField,
                                   bytesPerComponent: bytes, totalBytes: bytes.values.reduce(0, +),
                                   deletedDocuments: details.reduce(0) { $0 + $1.deletedDocuments }, segmentDetails: details)
        }
    }
}
