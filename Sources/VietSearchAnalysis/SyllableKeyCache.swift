/// Exact and folded keys of recently seen non-ASCII words, found by the word's bytes, kept across
/// `StreamingAnalyzer` calls. Vietnamese has about 7,000 syllables, so a few thousand entries answer
/// nearly every word of running text, and the tone placement and key building run once per spelling.
///
/// Only words whose keys depend on their bytes alone are stored: the fast path's words (no combining
/// marks, invisible characters or ETH, whose cleaning looks beyond the word). When the table or its
/// byte arena is full it is emptied and refilled, so memory stays bounded.
final class SyllableKeyCache {
    /// Where an entry's bytes sit in the arena: the word, then its exact key, then its folded key.
    struct Entry {
        var offset: Int32
        var wordLength: UInt16
        var exactLength: UInt16
        var foldedLength: UInt16
        var hasNonASCIILetter: Bool
    }

    /// Longest word stored; longer ones are keyed every time (they are rare and rarely repeat).
    static let maximumWordBytes = 64

    private static let slotCount = 1 << 14
    private static let maximumEntries = slotCount / 2
    private static let arenaBytes = maximumEntries * 40

    /// Open addressing: the low 32 bits of the word's hash (tag) and entry index + 1 (0 = empty).
    private let slots: UnsafeMutablePointer<UInt64>
    private let entries: UnsafeMutablePointer<Entry>
    private let arena: UnsafeMutablePointer<UInt8>
    private var entryCount = 0
    private var arenaUsed = 0

    init() {
        slots = .allocate(capacity: Self.slotCount)
        slots.initialize(repeating: 0, count: Self.slotCount)
        entries = .allocate(capacity: Self.maximumEntries)
        arena = .allocate(capacity: Self.arenaBytes)
    }

    deinit {
        slots.deallocate()
        entries.deallocate()
        arena.deallocate()
    }

    /// FNV-1a over the word's bytes.
    @inline(__always) static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in word { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// The entry for `word` (whose hash is `hash`), if stored.
    @inline(__always) func lookup(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Entry? {
        let tag = hash & 0xFFFF_FFFF
        var slot = Int(truncatingIfNeeded: hash >> 32) & (Self.slotCount - 1)
        while true {
            let packed = slots[slot]
            if packed == 0 { return nil }
            if packed & 0xFFFF_FFFF == tag {
                let entry = entries[Int(packed >> 32) - 1]
                if Int(entry.wordLength) == word.count && Self.same(arena + Int(entry.offset), word) { return entry }
            }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
    }

    /// Stores `word`'s keys (the word must not be stored yet and be at most `maximumWordBytes` long).
    func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, exact: UnsafeBufferPointer<UInt8>,
                         folded: UnsafeBufferPointer<UInt8>, hasNonASCIILetter: Bool) {
        let size = word.count + exact.count + folded.count
        guard word.count <= Self.maximumWordBytes, size <= Self.arenaBytes / 4 else { return }
        if entryCount == Self.maximumEntries || arenaUsed + size > Self.arenaBytes { clear() }
        let offset = arenaUsed
        Self.copy(word, to: arena + offset)
        Self.copy(exact, to: arena + offset + word.count)
        Self.copy(folded, to: arena + offset + word.count + exact.count)
        arenaUsed += size
        entries[entryCount] = Entry(offset: Int32(offset), wordLength: UInt16(word.count),
                                    exactLength: UInt16(exact.count), foldedLength: UInt16(folded.count),
                                    hasNonASCIILetter: hasNonASCIILetter)
        entryCount += 1
        var slot = Int(truncatingIfNeeded: hash >> 32) & (Self.slotCount - 1)
        while slots[slot] != 0 { slot = (slot + 1) & (Self.slotCount - 1) }
        slots[slot] = UInt64(entryCount) << 32 | hash & 0xFFFF_FFFF
    }

    /// The exact key of a stored entry.
    @inline(__always) func exact(_ entry: Entry) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: arena + Int(entry.offset) + Int(entry.wordLength), count: Int(entry.exactLength))
    }

    /// The folded key of a stored entry.
    @inline(__always) func folded(_ entry: Entry) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: arena + Int(entry.offset) + Int(entry.wordLength) + Int(entry.exactLength),
                            count: Int(entry.foldedLength))
    }

    private func clear() {
        slots.update(repeating: 0, count: Self.slotCount)
        entryCount = 0
        arenaUsed = 0
    }

    private static func copy(_ bytes: UnsafeBufferPointer<UInt8>, to target: UnsafeMutablePointer<UInt8>) {
        if let base = bytes.baseAddress { target.update(from: base, count: bytes.count) }
    }

    @inline(__always)
    private static func same(_ stored: UnsafeMutablePointer<UInt8>, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<word.count where stored[index] != word[index] { return false }
        return true
    }
}
