/// The deleted documents of one segment as of one commit generation (FORMAT.md, "Deletes file").
/// Immutable: a commit that deletes more documents writes a new generation with the union.
/// Holds per field the sum of the deleted documents' lengths, so live avgdl costs nothing.
@usableFromInline package final class DeletedDocs: Sendable {
    /// Local doc id bound of the segment (its stored document count).
    package let maxDoc: UInt32
    /// Bit `d` of the bitset (word `d / 64`, bit `d % 64`) is set when doc `d` is deleted.
    let words: [UInt64]
    /// Number of set bits.
    package let deletedCount: UInt32
    /// Per field number of the segment, the sum of the deleted documents' lengths.
    package let deletedLengthSums: [UInt64]

    init(maxDoc: UInt32, words: [UInt64], deletedCount: UInt32, deletedLengthSums: [UInt64]) {
        self.maxDoc = maxDoc
        self.words = words
        self.deletedCount = deletedCount
        self.deletedLengthSums = deletedLengthSums
    }

    /// No document deleted.
    static func none(maxDoc: UInt32, fieldCount: Int) -> DeletedDocs {
        DeletedDocs(maxDoc: maxDoc, words: [UInt64](repeating: 0, count: (Int(maxDoc) + 63) / 64),
                    deletedCount: 0, deletedLengthSums: [UInt64](repeating: 0, count: fieldCount))
    }

    @inline(__always)
    package func contains(_ doc: UInt32) -> Bool {
        let word = Int(doc >> 6)
        return word < words.count && words[word] & (1 << UInt64(doc & 63)) != 0
    }

    /// Deleted doc ids, ascending.
    package var deletedDocs: [UInt32] {
        var docs: [UInt32] = []
        for (index, word) in words.enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                docs.append(UInt32(index * 64 + rest.trailingZeroBitCount))
                rest &= rest - 1
            }
        }
        return docs
    }

    /// This set plus `docs` (already deleted ones are ignored); `segment` supplies field lengths.
    func adding(_ docs: [UInt32], segment: SegmentReader) throws -> DeletedDocs {
        var words = self.words
        var count = deletedCount
        var sums = deletedLengthSums
        let fieldCount = segment.fieldNames.count
        if sums.count < fieldCount { sums.append(contentsOf: repeatElement(0, count: fieldCount - sums.count)) }
        for doc in docs where doc < maxDoc {
            let word = Int(doc >> 6), bit = UInt64(1) << UInt64(doc & 63)
            if words[word] & bit != 0 { continue }
            words[word] |= bit
            count += 1
            for field in 0..<fieldCount {
                sums[field] += UInt64(try segment.fieldLength(field: UInt8(field), doc: doc))
            }
        }
        return DeletedDocs(maxDoc: maxDoc, words: words, deletedCount: count, deletedLengthSums: sums)
    }

    /// `del-<segment id>-<generation as 16 hex digits>.vsd`.
    static func fileName(segment: SegmentID, generation: UInt64) -> String {
        let digits = String(generation, radix: 16)
        return "del-\(segment)-" + String(repeating: "0", count: 16 - digits.count) + digits + ".vsd"
    }

    /// The whole deletes file.
    func encoded(segment: SegmentID) -> [UInt8] {
        var out: [UInt8] = []
        FileFormat.appendHeader(kind: .deletes, segmentID: segment, to: &out)
        out.appendUInt32(maxDoc)
        out.appendUInt32(deletedCount)
        out.appendVarint(deletedLengthSums.count)
        for sum in deletedLengthSums { out.appendVarint(sum) }
        let byteCount = (Int(maxDoc) + 7) / 8
        for index in 0..<byteCount {
            out.append(UInt8(truncatingIfNeeded: words[index >> 3] >> UInt64(8 * (index & 7))))
        }
        FileFormat.appendFooter(to: &out)
        return out
    }

    /// Decodes and fully verifies a deletes file (checksum included: it is small, maxDoc / 8 bytes).
    static func decode(_ bytes: FileBytes, segment: SegmentMeta) throws -> DeletedDocs {
        let id = try FileFormat.checkHeader(bytes, expecting: .deletes)
        guard id == segment.id.bytes else {
            throw StorageError.corrupt(file: bytes.name, offset: 12, reason: "deletes file belongs to another segment")
        }
        let checksum = try FileFormat.verifyChecksum(bytes)
        guard checksum == segment.deletesChecksum else {
            throw StorageError.corrupt(file: bytes.name, offset: bytes.count - 4,
                                       reason: "checksum \(FileFormat.hex(checksum)) differs from the manifest's \(FileFormat.hex(segment.deletesChecksum))")
        }
        var reader = ByteReader(bytes, from: FileFormat.headerSize, to: bytes.count - FileFormat.footerSize)
        let maxDoc = try reader.readUInt32()
        guard maxDoc == segment.documentCount else {
            throw reader.corrupt("deletes file covers \(maxDoc) documents, the segment has \(segment.documentCount)", at: FileFormat.headerSize)
        }
        let countOffset = reader.offset
        let deletedCount = try reader.readUInt32()
        let fieldCount = try reader.readCount(limit: 255, "field count")
        var sums: [UInt64] = []
        for _ in 0..<fieldCount { sums.append(try reader.readVarint()) }
        let byteCount = (Int(maxDoc) + 7) / 8
        guard reader.remaining == byteCount else {
            throw reader.corrupt("bitset holds \(reader.remaining) bytes, expected \(byteCount)")
        }
        let bitsetOffset = reader.offset
        let raw = try reader.readBytes(byteCount)
        var words = [UInt64](repeating: 0, count: (Int(maxDoc) + 63) / 64)
        var counted: UInt32 = 0
        for (index, byte) in raw.enumerated() {
            words[index >> 3] |= UInt64(byte) << UInt64(8 * (index & 7))
            counted += UInt32(byte.nonzeroBitCount)
        }
        if maxDoc % 8 != 0, let last = raw.last, last >> UInt8(maxDoc % 8) != 0 {
            throw StorageError.corrupt(file: bytes.name, offset: bitsetOffset + byteCount - 1, reason: "bits set beyond the last document")
        }
        guard counted == deletedCount, deletedCount == segment.deletedCount else {
            throw StorageError.corrupt(file: bytes.name, offset: countOffset,
                                       reason: "deleted count \(deletedCount) (manifest \(segment.deletedCount)) but \(counted) bits set")
        }
        return DeletedDocs(maxDoc: maxDoc, words: words, deletedCount: deletedCount, deletedLengthSums: sums)
    }
}
