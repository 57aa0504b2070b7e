/// Builds the StoredIndex section (FORMAT.md, "Stored fields"): the dictionary table, then one entry per
/// compressed block. Offsets are relative to StoredBlocks, whose bytes the caller writes in the same order
/// (dictionaries first, then frames).
struct StoredIndexBuilder {
    /// offset u64, length u32, checksum u32.
    static let dictionaryEntrySize = 16
    /// firstDoc u32, offset u64, compressedSize u32, rawSize u32, checksum u32, dictionary u32.
    static let blockEntrySize = 28

    private var dictionaryEntries: [UInt8] = []
    private var dictionaryCount: UInt32 = 0
    private var blockEntries: [UInt8] = []
    private var blockCount: UInt32 = 0
    /// Bytes of StoredBlocks described so far.
    private(set) var offset: UInt64 = 0

    /// Records a dictionary of `length` bytes at the current offset; returns its number (1-based: a
    /// block's dictionary 0 means "none"). All dictionaries must come before the first block.
    mutating func addDictionary(length: Int, checksum: UInt32) throws -> UInt32 {
        guard blockCount == 0, length <= Int(UInt32.max), dictionaryCount < UInt32.max - 1 else {
            throw StorageError.limitExceeded("stored-field dictionary after a block or larger than 4 GiB")
        }
        dictionaryEntries.appendUInt64(offset)
        dictionaryEntries.appendUInt32(UInt32(length))
        dictionaryEntries.appendUInt32(checksum)
        offset += UInt64(length)
        dictionaryCount += 1
        return dictionaryCount
    }

    /// Records a frame of `compressedSize` bytes at the current offset holding docs from `firstDoc`.
    mutating func addBlock(firstDoc: UInt32, compressedSize: Int, rawSize: Int, checksum: UInt32, dictionary: UInt32) throws {
        guard compressedSize <= Int(UInt32.max), rawSize <= Int(UInt32.max) else {
            throw StorageError.limitExceeded("stored fields block larger than 4 GiB")
        }
        blockEntries.appendUInt32(firstDoc)
        blockEntries.appendUInt64(offset)
        blockEntries.appendUInt32(UInt32(compressedSize))
        blockEntries.appendUInt32(UInt32(rawSize))
        blockEntries.appendUInt32(checksum)
        blockEntries.appendUInt32(dictionary)
        offset += UInt64(compressedSize)
        blockCount += 1
    }

    /// The StoredIndex section.
    func finish() -> [UInt8] {
        var index: [UInt8] = []
        index.reserveCapacity(8 + dictionaryEntries.count + blockEntries.count)
        index.appendUInt32(dictionaryCount)
        index.append(contentsOf: dictionaryEntries)
        index.appendUInt32(blockCount)
        index.append(contentsOf: blockEntries)
        return index
    }
}
