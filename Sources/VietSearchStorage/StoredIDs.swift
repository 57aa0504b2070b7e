/// Writes the id column (FORMAT.md, "Id column"): each document's first stored value (the facade stores
/// the document id there) uncompressed, in blocks of 128 documents with a checksum each, so showing a
/// hit's id costs a CRC over a small block instead of a zstd frame decompression.
struct StoredIDsWriter {
    static let blockSize = 128
    /// offset u64 + checksum u32.
    static let indexEntrySize = 12

    /// The IdBlocks section being built (since the last `drainBlocks()`).
    private(set) var blocks: [UInt8] = []
    private var drained: UInt64 = 0
    private var entries: [(offset: UInt64, checksum: UInt32)] = []
    private var blockStart = 0
    private var inBlock = 0

    /// Appends the next document's id bytes.
    mutating func add<Bytes: Collection<UInt8>>(_ id: Bytes) {
        if inBlock == Self.blockSize { finishBlock() }
        if inBlock == 0 { blockStart = blocks.count }
        blocks.appendVarint(id.count)
        blocks.append(contentsOf: id)
        inBlock += 1
    }

    private mutating func finishBlock() {
        guard inBlock > 0 else { return }
        entries.append((UInt64(blockStart) + drained, CRC32.update(0, blocks[blockStart...])))
        inBlock = 0
    }

    /// Hands out the bytes of finished blocks (a merge spools them); call between documents.
    mutating func drainBlocks() -> [UInt8] {
        let keep = inBlock > 0 ? blockStart : blocks.count
        let result = Array(blocks[..<keep])
        blocks.removeSubrange(..<keep)
        drained += UInt64(keep)
        blockStart -= keep
        return result
    }

    /// Finishes the last block; returns the remaining IdBlocks bytes and the IdIndex section.
    mutating func finish() -> (blocks: [UInt8], index: [UInt8]) {
        finishBlock()
        var index: [UInt8] = []
        index.appendUInt32(UInt32(entries.count))
        for entry in entries {
            index.appendUInt64(entry.offset)
            index.appendUInt32(entry.checksum)
        }
        return (blocks, index)
    }

    /// The first field value of a serialised StoredDoc body (`fieldCount`, then name/value pairs), or
    /// nothing for a document without fields. The bytes come from our own builder.
    static func firstValue(ofStoredDocument document: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var position = document.startIndex
        func varint() -> Int? {
            var value = 0
            var shift = 0
            while position < document.endIndex, shift < 63 {
                let byte = document[position]
                position += 1
                value |= Int(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        guard let count = varint(), count > 0, let nameLength = varint(), nameLength <= document.endIndex - position else { return [] }
        position += nameLength
        guard let valueLength = varint(), valueLength <= document.endIndex - position else { return [] }
        return document[position..<(position + valueLength)]
    }
}
