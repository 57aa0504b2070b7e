import CCRC32Fold
import CZlib
import Dispatch
import Synchronization

/// CRC-32 (the footer's checksum algorithm 1, zlib's CRC). Ranges of 64 bytes or more are folded by
/// carry-less multiplication where the processor has it (`CCRC32Fold`: ~0.4 instructions a byte on long
/// ranges, ~1.7 on 100 bytes, against zlib's ~4–5.6), their last `count mod 16` bytes and shorter ranges
/// go through zlib. A merge checksums every byte it reads and writes (inputs verified, each term's
/// data, the spooled sections), so this was a fifth of its instructions.
enum CRC32 {
    /// Ranges shorter than this go to zlib whole (the folding needs 64 bytes to start).
    static let foldMinimumBytes = 64
    /// Whether this processor runs the folding (x86-64 with PCLMULQDQ and SSE4.1).
    static let foldIsAvailable = vs_crc32_fold_available() != 0

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// Continues `crc` over `buffer`: the folding for its whole 16-byte groups when it is long enough,
    /// zlib for the rest.
    static func update(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = buffer.baseAddress else { return crc }
        guard buffer.count >= foldMinimumBytes, foldIsAvailable else { return zlibUpdate(crc, buffer) }
        let folded = buffer.count & ~15
        let value = vs_crc32_fold(crc, base.assumingMemoryBound(to: UInt8.self), folded)
        return zlibUpdate(value, UnsafeRawBufferPointer(rebasing: buffer[folded...]))
    }

    /// Continues `crc` over `buffer` with zlib only (the reference the folding is tested against), in
    /// chunks because zlib takes a 32-bit length.
    static func zlibUpdate(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = buffer.baseAddress else { return crc }
        var value = UInt(crc)
        var offset = 0
        while offset < buffer.count {
            let chunk = Swift.min(buffer.count - offset, 1 << 30)
            value = CZlib.crc32(value, base.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(chunk))
            offset += chunk
        }
        return UInt32(truncatingIfNeeded: value)
    }
}

extension CRC32 {
    /// Continues `crc` over a slice of a byte array (writers checksum what they just appended).
    static func update(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { update(crc, $0) }
    }
}

extension CRC32 {
    /// Bytes checksummed by one thread at a time when `update(_:parts:threads:)` runs on several.
    static let concurrentChunkBytes = 1 << 20

    /// Continues `crc` over `parts` laid back to back. With `threads` > 1 the bytes are cut into chunks
    /// of `concurrentChunkBytes`, checksummed on that many threads and the chunks' CRCs combined in
    /// order (zlib's `crc32_combine`: the same value as one pass): the file checksum of a segment
    /// written with several threads was serial work over every byte of the file.
    static func update(_ crc: UInt32, parts: [ArraySlice<UInt8>], threads: Int) -> UInt32 {
        var chunks: [(part: Int, range: Range<Int>)] = []
        for (index, part) in parts.enumerated() {
            var start = part.startIndex
            while start < part.endIndex {
                let end = Swift.min(part.endIndex, start + concurrentChunkBytes)
                chunks.append((index, start..<end))
                start = end
            }
        }
        guard threads > 1, chunks.count > 1 else {
            return parts.reduce(crc) { update($0, $1) }
        }
        let results = ChunkResults(count: chunks.count)
        defer { results.deallocate() }
        let nextChunk = Atomic<Int>(0)
        let work = chunks
        DispatchQueue.concurrentPerform(iterations: Swift.min(threads, chunks.count)) { _ in
            while true {
                let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < work.count else { break }
                results.base[chunk] = update(0, parts[work[chunk].part][work[chunk].range])
            }
        }
        var combined = UInt(crc)
        for (index, chunk) in chunks.enumerated() {
            combined = CZlib.crc32_combine(combined, UInt(results.base[index]), Int(chunk.range.count))
        }
        return UInt32(truncatingIfNeeded: combined)
    }

    /// One slot per chunk, each written by the thread that checksummed it.
    private struct ChunkResults: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt32>

        init(count: Int) {
            base = .allocate(capacity: count)
            base.initialize(repeating: 0, count: count)
        }

        func deallocate() { base.deallocate() }
    }
}
