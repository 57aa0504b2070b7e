/// The hash that confirms a shared-data candidate once the earlier term's bytes have been spooled
/// (FORMAT.md, "Shared term data"; only ever compared within one write, never stored).
extension PostingsWriter {
    /// A 64-bit hash of both byte strings, 16 bytes per 64×64 → 128-bit multiply (deterministic, unlike
    /// `Hasher`, so a segment's bytes do not depend on the process). Every shareable term is hashed when
    /// the buffers are drained: FNV-1a's multiply per byte was 4% of a merge's instructions, a
    /// multiply-xorshift per 8-byte word still 3.2% (107 M of a 30k merge's 3,338 M).
    static func contentHash(_ first: ArraySlice<UInt8>, _ second: ArraySlice<UInt8>) -> UInt64 {
        let seed = first.withUnsafeBytes { wordHash(0xcbf2_9ce4_8422_2325, $0) }
        return second.withUnsafeBytes { wordHash(seed ^ 0xff, $0) }
    }

    /// Folds `bytes` into `seed` 16 bytes at a time (the two words multiplied to 128 bits, the halves
    /// xored into the running hash, as wyhash does), then the last 0–15 bytes a word at a time with a
    /// multiply-xorshift, then the length.
    static func wordHash(_ seed: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        @inline(__always) func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
            let product = (hash ^ word) &* 0x9e37_79b9_7f4a_7c15
            return product ^ (product >> 29)
        }
        var hash = seed
        guard let base = bytes.baseAddress else { return mix(hash, 0) }
        var offset = 0
        while offset + 16 <= bytes.count {
            let first = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let second = base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
            let product = (first ^ hash ^ 0xa076_1d64_78bd_642f).multipliedFullWidth(by: second ^ 0xe703_7ed1_a0b4_28db)
            hash ^= product.high ^ product.low
            offset += 16
        }
        if offset + 8 <= bytes.count {
            hash = mix(hash, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < bytes.count {
            var last: UInt64 = 0
            for index in offset..<bytes.count { last = last << 8 | UInt64(base.load(fromByteOffset: index, as: UInt8.self)) }
            hash = mix(hash, last)
        }
        return mix(hash, UInt64(bytes.count))
    }
}
