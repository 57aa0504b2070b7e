import CBitUnpack

/// Interns the terms of a segment being built: `(field, bytes)` → a dense term id (0, 1, 2… in order
/// of first appearance). Keys live back to back in one byte arena and the table is open addressing over
/// one `UInt64` per slot (32-bit hash tag, term id + 1), so interning a term allocates nothing and a
/// lookup costs one fast hash, one slot load and one byte comparison. (A `Dictionary<TermKey, Int>`
/// with SipHash and one array per key took a sixth of indexing time.)
struct TermTable {
    /// `tag << 32 | (id + 1)`, 0 when empty. Kept at most half full.
    private var slots: [UInt64] = []
    private var mask = -1
    /// Every key as its field byte followed by its bytes, in id order.
    private var arena: [UInt8] = []
    /// `keyStarts[id]` is the arena offset of key `id`; one extra entry marks the end of the last key.
    private var keyStarts: [Int] = [0]

    /// Number of distinct terms.
    var count: Int { keyStarts.count - 1 }

    /// Heap bytes held (by capacity).
    var memoryBytes: Int { 8 * slots.capacity + arena.capacity + 8 * keyStarts.capacity }

    /// The id of `(field, bytes)`, adding it if new.
    @inline(__always)
    mutating func intern(field: UInt8, bytes: UnsafeBufferPointer<UInt8>) -> (id: Int, isNew: Bool) {
        intern(field: field, bytes: bytes, hash: Self.hash(field: field, bytes: bytes))
    }

    /// `intern(field:bytes:)` given the key's `hash(field:bytes:)`, computed ahead by the caller.
    @inline(__always)
    mutating func intern(field: UInt8, bytes: UnsafeBufferPointer<UInt8>, hash: UInt32) -> (id: Int, isNew: Bool) {
        if 2 * (count + 1) > slots.count { grow() }
        let tag = UInt64(hash) << 32
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int(entry & 0xFFFF_FFFF) - 1
                if keyEquals(id, field: field, bytes: bytes) { return (id, false) }
            }
            slot = (slot + 1) & mask
        }
        let id = count
        slots[slot] = tag | UInt64(id + 1)
        arena.append(field)
        arena.append(contentsOf: bytes)
        keyStarts.append(arena.count)
        return (id, true)
    }

    /// Starts loading the slot a key of `hash` is looked up in first (a hint: nothing changes).
    @inline(__always)
    func prefetchSlot(hash: UInt32) {
        slots.withUnsafeBufferPointer { slots in
            guard let base = slots.baseAddress, !slots.isEmpty else { return }
            vs_prefetch_for_write(base + (Int(hash) & mask))
        }
    }

    /// True when key `id` is `(field, bytes)`.
    @inline(__always)
    func keyEquals(_ id: Int, field: UInt8, bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = keyStarts[id]
        guard keyStarts[id + 1] - start == bytes.count + 1 else { return false }
        return arena.withUnsafeBufferPointer { stored in
            guard stored[start] == field else { return false }
            guard let key = stored.baseAddress, let other = bytes.baseAddress else { return bytes.isEmpty }
            return Self.equal(UnsafeRawPointer(key + start + 1), UnsafeRawPointer(other), count: bytes.count)
        }
    }

    /// Compares `count` bytes 8 at a time (the last word overlapping the one before): keys are a few
    /// words long and byte-by-byte comparison showed in indexing profiles.
    @inline(__always)
    private static func equal(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
        guard count >= 8 else {
            if count >= 4 {
                return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
                    && left.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                    == right.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            }
            var offset = 0
            while offset < count {
                if left.load(fromByteOffset: offset, as: UInt8.self) != right.load(fromByteOffset: offset, as: UInt8.self) {
                    return false
                }
                offset += 1
            }
            return true
        }
        var offset = 0
        while offset + 8 < count {
            if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                return false
            }
            offset += 8
        }
        return left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    /// The field number of key `id`.
    func field(of id: Int) -> UInt8 { arena[keyStarts[id]] }

    /// Calls `body` with the bytes of key `id` (without the field byte), in place (no copy).
    @inline(__always)
    func withBytes<Result>(of id: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let start = keyStarts[id] + 1
        let end = keyStarts[id + 1]
        return arena.withUnsafeBufferPointer { stored in
            body(UnsafeBufferPointer(rebasing: stored[start..<end]))
        }
    }

    /// The bytes of key `id` (without the field byte), copied.
    func bytes(of id: Int) -> [UInt8] { Array(arena[keyStarts[id] + 1..<keyStarts[id + 1]]) }

    /// `ids` sorted in dictionary order: field, then bytes (unsigned, shorter first on a common prefix).
    /// Compares each key's first 8 bytes (field byte included) as one big-endian word, zero-padded, and
    /// the bytes only when those are equal: comparing byte by byte was most of sorting a segment's terms.
    func sorted(_ ids: [Int]) -> [Int] {
        var prefixes = [UInt64](repeating: 0, count: count)
        arena.withUnsafeBufferPointer { stored in
            keyStarts.withUnsafeBufferPointer { starts in
                prefixes.withUnsafeMutableBufferPointer { out in
                    for id in ids {
                        var prefix: UInt64 = 0
                        let start = starts[id]
                        let end = Swift.min(starts[id + 1], start + 8)
                        for index in start..<end { prefix = prefix << 8 | UInt64(stored[index]) }
                        out[id] = prefix << (8 * UInt64(8 - (end - start)))
                    }
                }
            }
        }
        return arena.withUnsafeBufferPointer { stored in
            keyStarts.withUnsafeBufferPointer { starts in
                prefixes.withUnsafeBufferPointer { prefixes in
                    ids.sorted { left, right in
                        let leftPrefix = prefixes[left]
                        let rightPrefix = prefixes[right]
                        if leftPrefix != rightPrefix { return leftPrefix < rightPrefix }
                        // Equal words: the keys agree on their first 8 bytes, or one is the other's
                        // prefix followed by zero bytes; compare them whole.
                        var a = starts[left]
                        var b = starts[right]
                        let aEnd = starts[left + 1]
                        let bEnd = starts[right + 1]
                        while a < aEnd && b < bEnd {
                            if stored[a] != stored[b] { return stored[a] < stored[b] }
                            a += 1
                            b += 1
                        }
                        return a == aEnd && b < bEnd
                    }
                }
            }
        }
    }

    private mutating func grow() {
        let capacity = Swift.max(1024, 2 * slots.count)
        var fresh = [UInt64](repeating: 0, count: capacity)
        let newMask = capacity - 1
        for entry in slots where entry != 0 {
            var slot = Int(entry >> 32) & newMask
            while fresh[slot] != 0 { slot = (slot + 1) & newMask }
            fresh[slot] = entry
        }
        slots = fresh
        mask = newMask
    }

    /// A multiply-xorshift hash over 8-byte words (terms are short: one or two words).
    @inline(__always)
    static func hash(field: UInt8, bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var state = (UInt64(field) &+ 1) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            state = (state ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            state ^= state >> 31
            offset += 8
        }
        if offset < raw.count {
            // The 1–7 remaining bytes as one word: two overlapping 4-byte loads from 4 bytes on (the
            // length is hashed in, so overlapping bytes cannot make two keys collide systematically).
            var word: UInt64 = 0
            let rest = raw.count - offset
            if rest >= 4 {
                word = UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: raw.count - 4, as: UInt32.self)) << 32
            } else {
                var shift: UInt64 = 0
                while offset < raw.count {
                    word |= UInt64(raw[offset]) << shift
                    shift += 8
                    offset += 1
                }
            }
            state = (state ^ word) &* 0x94D0_49BB_1331_11EB
            state ^= state >> 29
        }
        state = (state ^ (state >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return UInt32(truncatingIfNeeded: state ^ (state >> 32))
    }
}
