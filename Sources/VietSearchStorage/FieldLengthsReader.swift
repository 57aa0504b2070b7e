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

extension FieldLengthsReader {
    /// Direct access to one field's lengths for per-document scoring loops.
    func column(field: UInt8) -> FieldLengthColumn {
        guard Int(field) < regions.count else { return FieldLengthColumn(bytes, region: 0..<0, width: 0, documentCount: documentCount) }
        let region = regions[Int(field)]
        return FieldLengthColumn(bytes, region: region.bytes, width: region.width, documentCount: documentCount)
    }
}

/// One field's exact document lengths (a slice of the "Field lengths" section), read with one unaligned
/// 8-byte load per document where the section has room for it: scoring reads a length per scored
/// document, and the general reader's byte loop, range checks and class hops were a tenth of a term query.
///
/// A view: it does not keep the segment's file alive (`unowned(unsafe)`, no reference counting when the
/// struct holding it is copied or destroyed). Keep it beside something that does: the reader it came
/// from or one of the reader's cursors (`TermLeaf`, `PhraseScorer`).
public struct FieldLengthColumn {
    unowned(unsafe) private let bytes: FileBytes
    /// The packed values, nil when the field is absent (every length 0) or the region leaves the file.
    /// (`@usableFromInline`: `length` is inlined into the query module's scoring loops.)
    @usableFromInline let base: UnsafeRawPointer?
    @usableFromInline let byteCount: Int
    @usableFromInline let width: Int
    @usableFromInline let mask: UInt64
    @usableFromInline let documentCount: Int
    private let regionStart: Int

    /// Whether this is a view of `cursor`'s file (which keeps the file alive while the cursor lives).
    package func views(_ cursor: borrowing PostingsCursor) -> Bool { bytes === cursor.bytes }

    init(_ bytes: FileBytes, region: Range<Int>, width: Int, documentCount: Int) {
        self.bytes = bytes
        regionStart = region.lowerBound
        self.width = width
        self.documentCount = documentCount
        mask = width >= 64 ? UInt64.max : (1 << UInt64(width)) - 1
        if let start = bytes.base, width > 0, region.lowerBound >= 0, region.upperBound <= bytes.count {
            base = start + region.lowerBound
            byteCount = region.count
        } else {
            base = nil
            byteCount = 0
        }
    }

    /// The length of the field in `doc` (0 when the segment lacks the field). Throws for a doc id outside
    /// the segment or values past the section (a damaged file). Inlinable: a call per scored document
    /// from another module cost more than the load itself.
    /// Public for cross-module inlining, as `PostingsCursor.nextDoc`.
    @inlinable @inline(__always)
    public func length(_ doc: UInt32) throws -> UInt32 {
        if let base, Int(doc) < documentCount {
            let bitPosition = Int(doc) &* width
            let byteOffset = bitPosition >> 3
            if byteOffset &+ 8 <= byteCount {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byteOffset, as: UInt64.self))
                return UInt32(truncatingIfNeeded: (word >> UInt64(bitPosition & 7)) & mask)
            }
        }
        return try slowLength(doc)
    }

    /// `length` near the end of the column, for an absent field, or a doc id out of range.
    @usableFromInline
    func slowLength(_ doc: UInt32) throws -> UInt32 {
        guard Int(doc) < documentCount else {
            throw StorageError.limitExceeded("doc \(doc) is outside \(bytes.name) (\(documentCount) documents)")
        }
        guard let base else { return 0 }
        guard let value = BitPacking.value(at: Int(doc), width: width, in: UnsafeRawBufferPointer(start: base, count: byteCount)) else {
            throw StorageError.corrupt(file: bytes.name, offset: regionStart, reason: "field length of doc \(doc) out of bounds")
        }
        return value
    }
}
