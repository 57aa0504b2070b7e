/// Manifest file bytes (FORMAT.md, "Manifest file") and the index's file-naming rules.
extension Manifest {
    /// `manifest-<generation as 16 lowercase hex digits>.vsm`.
    static func fileName(generation: UInt64) -> String {
        let digits = String(generation, radix: 16)
        return "manifest-" + String(repeating: "0", count: 16 - digits.count) + digits + ".vsm"
    }

    /// The generation named by a manifest file name, nil for any other name (temp files included).
    static func generation(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix("manifest-"), name.hasSuffix(".vsm") else { return nil }
        let digits = name.dropFirst("manifest-".count).dropLast(".vsm".count)
        guard digits.count == 16, digits.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            return nil
        }
        return UInt64(digits, radix: 16)
    }

    /// `seg-<32 hex id>.vss`: the only segment file name a manifest may reference.
    static func segmentFileName(_ id: SegmentID) -> String { "seg-\(id).vss" }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        FileFormat.appendHeader(kind: .manifest, segmentID: nil, to: &out)
        out.appendUInt64(generation)
        out.appendVarint(segments.count)
        for segment in segments {
            out.append(contentsOf: segment.id.bytes)
            out.appendUInt32(segment.documentCount)
            out.appendUInt64(segment.fileSize)
            out.appendUInt32(segment.checksum)
            out.appendLengthPrefixed(Array(segment.fileName.utf8))
            out.appendUInt32(segment.deletedCount)
            out.appendUInt64(segment.deletesGeneration)
            out.appendUInt32(segment.deletesChecksum)
        }
        FileFormat.appendFooter(to: &out)
        return out
    }

    /// Decodes and fully verifies (checksum included: manifests are small) a manifest file.
    static func decode(_ bytes: FileBytes) throws -> Manifest {
        let id = try FileFormat.checkHeader(bytes, expecting: .manifest)
        guard id == [UInt8](repeating: 0, count: 16) else {
            throw StorageError.corrupt(file: bytes.name, offset: 12, reason: "manifest header carries a nonzero segment id")
        }
        _ = try FileFormat.verifyChecksum(bytes)
        var reader = ByteReader(bytes, from: FileFormat.headerSize, to: bytes.count - FileFormat.footerSize)
        let generation = try reader.readUInt64()
        // Each entry takes at least 49 bytes, which bounds the count before anything is allocated.
        let count = try reader.readCount(limit: reader.remaining / 49, "segment count")
        var segments: [SegmentMeta] = []
        var seen = Set<SegmentID>()
        for _ in 0..<count {
            let entryOffset = reader.offset
            guard let id = SegmentID(bytes: try reader.readBytes(16)) else {
                throw reader.corrupt("bad segment id", at: entryOffset)
            }
            let documentCount = try reader.readUInt32()
            let fileSize = try reader.readUInt64()
            let checksum = try reader.readUInt32()
            let nameLength = try reader.readCount(limit: reader.remaining, "file name length")
            let name = String(decoding: try reader.readBytes(nameLength), as: UTF8.self)
            guard name == segmentFileName(id) else {
                throw reader.corrupt("segment file name \"\(name)\" does not match its id", at: entryOffset)
            }
            guard seen.insert(id).inserted else { throw reader.corrupt("segment \(id) listed twice", at: entryOffset) }
            let deletesOffset = reader.offset
            let deletedCount = try reader.readUInt32()
            let deletesGeneration = try reader.readUInt64()
            let deletesChecksum = try reader.readUInt32()
            guard deletedCount <= documentCount, (deletesGeneration == 0) == (deletedCount == 0),
                  deletesGeneration <= generation, deletesGeneration != 0 || deletesChecksum == 0 else {
                throw reader.corrupt("segment \(id): \(deletedCount) deleted of \(documentCount) documents, deletes generation \(deletesGeneration) (commit \(generation)) are inconsistent", at: deletesOffset)
            }
            segments.append(SegmentMeta(id: id, documentCount: documentCount, fileName: name,
                                        fileSize: fileSize, checksum: checksum, deletedCount: deletedCount,
                                        deletesGeneration: deletesGeneration, deletesChecksum: deletesChecksum))
        }
        guard reader.isAtEnd else { throw reader.corrupt("\(reader.remaining) unexpected bytes after the segment list") }
        if let named = Manifest.generation(fromFileName: bytes.name), named != generation {
            throw StorageError.corrupt(file: bytes.name, offset: FileFormat.headerSize,
                                       reason: "manifest holds generation \(generation) but its name says \(named)")
        }
        return Manifest(generation: generation, segments: segments)
    }
}
