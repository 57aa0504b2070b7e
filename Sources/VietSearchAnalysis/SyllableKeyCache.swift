/// Exact and folded keys of recently seen words (non-ASCII words and ASCII-letter words; not numbers or
/// codes), found by the word's bytes, kept across
/// `StreamingAnalyzer` calls. Vietnamese has about 7,000 syllables, so a few thousand entries answer
/// nearly every word of running text, and the tone placement and key building run once per spelling.
///
/// Only words whose keys depend on their bytes alone are stored: the fast path's words (no combining
/// marks, invisible characters or ETH, whose cleaning looks beyond the word). Only words of at most
/// `maximumWordBytes` are stored, in the table itself as two 8-byte chunks: every Vietnamese syllable
/// fits (the longest, like `nghiêng`, take 9 or 10 bytes), and a lookup is two compares. When the table
/// is half full it is emptied and refilled, so memory stays bounded (about 600 KB).
struct SyllableKeyCache {
    /// A word as the table finds it: its bytes as two little-endian chunks, zero past its end.
    struct Key {
        var low: UInt64
        var high: UInt64
        var length: Int
        /// The slot the word's probe starts at.
        var home: Int
    }

    /// Cached keys; the bytes stay valid until the next `insert`.
    struct Hit {
        var exact: UnsafeBufferPointer<UInt8>
        var folded: UnsafeBufferPointer<UInt8>
        var hasNonASCIILetter: Bool
        /// The entry's `entryID`.
        var entryID: Int
    }

    /// Identifies entries: `generation << slotBits | slot`. A slot holds one word until the table is
    /// emptied, which starts a new generation, so two lookups give the same id only for the same word
    /// (and so the same keys) for the life of the cache.
    static func entryID(generation: Int, slot: Int) -> Int { generation << slotBits | slot }

    /// Number of distinct slots an `entryID` can name (`entryID & (slotCount − 1)`).
    static let slotCount = 1 << slotBits

    /// A payload slot that holds nothing (see `payloads(channel:)`).
    static let noPayload = UInt64.max

    /// One table slot: the word's chunks and `meta` (0 when empty; else length, key lengths, flag and
    /// the offset of the exact then folded key in the arena, packed by `pack`).
    private struct Slot {
        var low: UInt64
        var high: UInt64
        var meta: UInt64
    }

    /// Longest word stored; longer ones are keyed every time (they are rare in Vietnamese text).
    static let maximumWordBytes = 16

    private static let slotBits = 14
    private static let maximumEntries = slotCount / 2
    /// Room for the keys of every entry at 24 bytes each (a syllable's two keys take about 12); when
    /// long words fill it first, the table is emptied early.
    private static let arenaBytes = maximumEntries * 24

    private let slots: UnsafeMutablePointer<Slot>
    private let arena: UnsafeMutablePointer<UInt8>
    /// Per channel (a caller's field number), one caller value per slot (`noPayload`: none), so that a
    /// repeated word costs one probe to reach what the caller derived from its keys (the builder's term
    /// ids). A slot's payloads are dropped whenever the slot changes hands (`insert`, `clear`).
    private var payloadTables: [UnsafeMutablePointer<UInt64>?] = []
    private var entryCount = 0
    private var arenaUsed = 0
    /// How many times the table was emptied (see `entryID`).
    private var generation = 0

    /// False until `prepare()` has emptied the slots: the memory is only touched (and becomes resident)
    /// when the cache is first used, so an unused analyser costs nothing.
    private var isPrepared = false

    init() {
        slots = .allocate(capacity: Self.slotCount)
        arena = .allocate(capacity: Self.arenaBytes)
    }

    /// Must be called before the first `lookup` or `insert`; cheap afterwards.
    @inline(__always) mutating func prepare() {
        guard !isPrepared else { return }
        slots.initialize(repeating: Slot(low: 0, high: 0, meta: 0), count: Self.slotCount)
        isPrepared = true
    }

    /// Frees the tables; the cache must not be used afterwards (its owner calls this in `deinit`).
    func deallocate() {
        slots.deallocate()
        arena.deallocate()
        for table in payloadTables { table?.deallocate() }
    }

    /// The payload table of `channel` (made on first use), `slotCount` values indexed by slot; valid
    /// until the cache is deallocated.
    mutating func payloads(channel: Int) -> UnsafeMutablePointer<UInt64> {
        while payloadTables.count <= channel { payloadTables.append(nil) }
        if let table = payloadTables[channel] { return table }
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.slotCount)
        table.initialize(repeating: Self.noPayload, count: Self.slotCount)
        payloadTables[channel] = table
        return table
    }

    /// Drops every payload of every channel (the caller's values stopped being valid).
    func forgetPayloads() {
        for table in payloadTables { table?.update(repeating: Self.noPayload, count: Self.slotCount) }
    }

    /// The key of `input[start..<end]`, or nil if the word is longer than `maximumWordBytes`.
    @inline(__always)
    static func key(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Key? {
        let length = end &- start  // a span's bounds: no overflow to check
        guard length <= maximumWordBytes, let base = input.baseAddress else { return nil }
        var low: UInt64 = 0
        var high: UInt64 = 0
        if start &+ 16 <= input.count {
            // Whole chunks, then the bytes past the word masked off.
            let raw = UnsafeRawPointer(base + start)
            low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            if length < 8 {
                low &= (1 << (UInt64(length) * 8)) - 1
                high = 0
            } else if length < 16 {
                high &= (1 << (UInt64(length - 8) * 8)) - 1
            }
        } else {
            for index in 0..<length {
                let byte = UInt64(base[start + index])
                if index < 8 { low |= byte << (8 * UInt64(index)) } else { high |= byte << (8 * UInt64(index - 8)) }
            }
        }
        // Multiplicative hashing, the slot from the product's top bits (which depend on every byte); the
        // two multiplications are independent. The length is implied by the zero bytes past the word.
        let hash = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xBF58_476D_1CE4_E5B9)
        return Key(low: low, high: high, length: length, home: Int(truncatingIfNeeded: hash >> UInt64(64 - slotBits)))
    }

    /// The keys stored for `key`, if any.
    @inline(__always) func lookup(_ key: Key) -> Hit? {
        guard let slot = slot(of: key) else { return nil }
        return hit(at: slot)
    }

    /// The slot holding `key`'s word, if any (a probe without decoding the keys: see `hit(at:)`).
    @inline(__always) func slot(of key: Key) -> Int? {
        var slot = key.home
        while true {
            let candidate = slots[slot]
            if candidate.meta == 0 { return nil }
            if candidate.low == key.low && candidate.high == key.high && Int(candidate.meta >> 56) == key.length {
                return slot
            }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
    }

    /// The keys stored in `slot`, which `slot(of:)` or `insert` gave.
    @inline(__always) func hit(at slot: Int) -> Hit {
        let meta = slots[slot].meta
        let offset = Int(truncatingIfNeeded: meta & 0xFFFF_FFFF)
        let exactLength = Int(truncatingIfNeeded: meta >> 40) & 0xFF
        let foldedLength = Int(truncatingIfNeeded: meta >> 48) & 0xFF
        return Hit(exact: UnsafeBufferPointer(start: arena + offset, count: exactLength),
                   folded: UnsafeBufferPointer(start: arena + offset + exactLength, count: foldedLength),
                   hasNonASCIILetter: meta & (1 << 32) != 0,
                   entryID: Self.entryID(generation: generation, slot: slot))
    }

    /// Stores the keys of `key`'s word, which must not be stored yet; returns the new entry's `entryID`
    /// (nil when keys this long are not stored).
    @discardableResult
    mutating func insert(_ key: Key, exact: UnsafeBufferPointer<UInt8>, folded: UnsafeBufferPointer<UInt8>,
                         hasNonASCIILetter: Bool) -> Int? {
        guard exact.count <= 0xFF, folded.count <= 0xFF else { return nil }
        let size = exact.count + folded.count
        if entryCount == Self.maximumEntries || arenaUsed + size > Self.arenaBytes { clear() }
        let offset = arenaUsed
        if let base = exact.baseAddress { (arena + offset).update(from: base, count: exact.count) }
        if let base = folded.baseAddress { (arena + offset + exact.count).update(from: base, count: folded.count) }
        arenaUsed += size
        entryCount += 1
        let meta = UInt64(key.length) << 56 | UInt64(folded.count) << 48 | UInt64(exact.count) << 40
            | (hasNonASCIILetter ? 1 << 32 : 0) | UInt64(offset)
        var slot = key.home
        while slots[slot].meta != 0 { slot = (slot + 1) & (Self.slotCount - 1) }
        slots[slot] = Slot(low: key.low, high: key.high, meta: meta)
        for table in payloadTables { table?[slot] = Self.noPayload }
        return Self.entryID(generation: generation, slot: slot)
    }

    private mutating func clear() {
        slots.update(repeating: Slot(low: 0, high: 0, meta: 0), count: Self.slotCount)
        forgetPayloads()
        entryCount = 0
        arenaUsed = 0
        generation += 1
    }
}
