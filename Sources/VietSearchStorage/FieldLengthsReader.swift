/// Random access to exact per-field document lengths (FORMAT.md, "Field lengths"):
/// per field a width byte then `documentCount` bit-packed values.
struct FieldLengthsReader {
    private let bytes: FileBytes
    private let documentCount: Int
    /// Per field: where its packed values start and their bit width.
    private let regions: [(bytes: Range<Int>, width: Int)]

    init(_ bytes: FileBytes, section: Range<Int>, documentCount: Int, fieldCount: Int) throws {
        self.bytes = bytes
        self.documentCount = documentCount
        var regions: [(Range<Int>, Int)] = []
        var reader = ByteReader(bytes, from: section.lowerBound, to: section.upperBound)
        for field in 0..<fieldCount {
            let widthOffset = reader.offset
            let width = Int(try reader.readUInt8())
            guard width <= 32 else {
                throw reader.corrupt("field \(field) length width \(width) exceeds 32", at: widthOffset)
            }
            let start = reader.offset
            try reader.skip(BitPacking.byteCount(count: documentCount, width: width))
            regions.append((start..<reader.offset, width))
        }
        guard reader.isAtEnd else { throw reader.corrupt("\(reader.remaining) unexpected bytes after field lengths") }
        self.regions = regions
    }

    /// The length of `field` in `doc`; 0 for a field the segment does not have.
    @inline(__always)
    func length(field: UInt8, doc: UInt32) throws -> UInt32 {
        guard Int(doc) < documentCount else {
            throw StorageError.limitExceeded("doc \(doc) is outside \(bytes.name) (\(documentCount) documents)")
        }
        guard Int(field) < regions.count else { return 0 }
        let region = regions[Int(field)]
        guard let value = bytes.bitPackedValue(in: region.bytes, index: Int(doc), width: region.width) else {
            throw StorageError.corrupt(file: bytes.name, offset: region.bytes.lowerBound, reason: "field length of doc \(doc) out of bounds")
        }
        return value
    }
}
