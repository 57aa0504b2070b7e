/// Finds an earlier token with the same bytes in the text being analysed, so that its keys can be
/// reused. Running text repeats its syllables (`của`, `và`, `đảng`...), and reusing their keys skips the
/// key building and string creation that dominate analysis time. The table lives for one `analyze` call
/// only, so `VietnameseAnalyzer` stays stateless; it stores token indexes, never strings.
///
/// A token's keys depend only on its bytes in the input (cleaning is local to the token), with one
/// exception: ETH repair looks at the surrounding word, so tokens holding Ð/ð are never cached.
struct TokenKeyCache {
    /// Open addressing: index into `hashes`/`tokenIndexes`, or -1.
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    /// Index in the token list of the first token seen with each remembered text.
    private var tokenIndexes: [Int32] = []
    private let mask: Int

    /// Inputs shorter than this are keyed without a cache (`TokenStream`): a query word or two allocated
    /// the cache's three arrays for one or two tokens (~1k instructions a word, callgrind, session 8).
    static let minimumByteCount = 32

    /// Sized from the input: about one slot per four bytes, between 16 and 65,536.
    init(byteCount: Int) {
        var capacity = 16
        while capacity < byteCount / 4 && capacity < 1 << 16 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        // Running text has about one distinct token text per four tokens: room for that without regrowing.
        hashes.reserveCapacity(capacity / 4)
        tokenIndexes.reserveCapacity(capacity / 4)
    }

    /// FNV-1a over the token's bytes, or nil when the token must not be cached (it holds Ð or ð).
    @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var previous: UInt8 = 0
        for byte in bytes {
            if previous == 0xC3 && (byte == 0x90 || byte == 0xB0) { return nil }
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            previous = byte
        }
        return hash
    }

    /// Index in `tokens` of an earlier token with the same bytes as `original[start..<end]`.
    func lookup(hash: UInt64, start: Int, end: Int, in original: UnsafeBufferPointer<UInt8>,
                tokens: [Token]) -> Int? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return nil }
            if hashes[entry] == hash {
                let index = Int(tokenIndexes[entry])
                if Self.sameBytes(original, start, end, tokens[index].start, tokens[index].end) { return index }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Remembers that `tokens[tokenIndex]` has bytes hashing to `hash`; does nothing once the table is
    /// half full.
    mutating func insert(hash: UInt64, tokenIndex: Int) {
        guard hashes.count < (mask + 1) / 2, tokenIndex <= Int(Int32.max) else { return }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(hashes.count)
        hashes.append(hash)
        tokenIndexes.append(Int32(tokenIndex))
    }

    @inline(__always)
    private static func sameBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                  _ otherStart: Int, _ otherEnd: Int) -> Bool {
        guard end - start == otherEnd - otherStart else { return false }
        for offset in 0..<(end - start) where bytes[start + offset] != bytes[otherStart + offset] { return false }
        return true
    }
}
