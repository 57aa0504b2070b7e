import Synchronization
import VietSearchStorage

/// Term-dictionary lookups already done in one snapshot: per (field, key), the key's info in each segment
/// and its summed document frequency (what `QueryWeight` binds a key with). Shared by every query of a
/// `QueryEngine` (Lucene 3's term-info cache did the same): frequent words recur from query to query, and
/// a lookup costs a binary search plus a block scan per segment and field (~6k instructions each, 12 for
/// one word in two fields of six segments), against one hash and one lock here. A snapshot never changes,
/// so entries never go stale; `capacity` bounds the memory.
package final class TermLookupCache: Sendable {
    /// Past this many keys the cache starts over (~100 bytes plus ~60 per segment an entry).
    static let capacity = 16_384

    struct Key: Hashable {
        var field: String
        var term: [UInt8]

        /// The term's bytes hashed in one call: the synthesised hash fed them one `UInt8` at a time
        /// (~25 instructions a byte). Equality stays the synthesised one.
        func hash(into hasher: inout Hasher) {
            hasher.combine(field)
            hasher.combine(term.count)
            term.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    typealias Entry = (infos: [TermInfo?], frequency: UInt64)

    private let entries = Mutex<[Key: Entry]>([:])

    package init() {}

    /// The number of cached keys.
    package var count: Int { entries.withLock { $0.count } }

    func entry(field: String, term: [UInt8]) -> Entry? {
        entries.withLock { $0[Key(field: field, term: term)] }
    }

    func store(_ entry: Entry, field: String, term: [UInt8]) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(field: field, term: term)] = entry
        }
    }
}
