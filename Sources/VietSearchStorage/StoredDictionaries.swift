import Synchronization

/// The stored-field dictionaries of one segment (FORMAT.md, "Stored fields"), each verified against its
/// checksum and digested by zstd on first use, then kept for the segment's lifetime and shared by all
/// threads: a dictionary is ~100 KiB, and digesting it costs more than decompressing a block.
final class StoredDictionaries: Sendable {
    /// offset u64, length u32, checksum u32 of each dictionary, as the stored index lists them.
    struct Entry: Sendable {
        var range: Range<Int>
        var checksum: UInt32
        var entryOffset: Int
    }

    let entries: [Entry]
    private let bytes: FileBytes
    private let digested: Mutex<[Int: Zstd.DecompressionDictionary]> = Mutex([:])

    init(_ bytes: FileBytes, entries: [Entry]) {
        self.bytes = bytes
        self.entries = entries
    }

    /// Dictionary `number` (1-based, as a block entry names it) ready for decompression.
    func dictionary(_ number: UInt32) throws -> Zstd.DecompressionDictionary {
        let index = Int(number) - 1
        if let ready = digested.withLock({ $0[index] }) { return ready }
        let entry = entries[index]
        try bytes.verifyChecksum(of: entry.range, expected: entry.checksum, what: "stored-field dictionary")
        var reader = ByteReader(bytes, from: entry.range.lowerBound, to: entry.range.upperBound)
        let dictionary = try reader.withBytes(entry.range.count, "stored-field dictionary") {
            Zstd.DecompressionDictionary($0)
        }
        guard let dictionary else {
            throw StorageError.corrupt(file: bytes.name, offset: entry.range.lowerBound,
                                       reason: "stored-field dictionary \(number) is not a zstd dictionary")
        }
        return digested.withLock { cache in
            if let earlier = cache[index] { return earlier }
            cache[index] = dictionary
            return dictionary
        }
    }
}
