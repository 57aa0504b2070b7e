import Synchronization

/// Document frequencies already looked up in one snapshot (keyed by the searched fields and the key), shared
/// by every query of a `QueryEngine`: the `.vietnamese` expansion and restoration look up each marked
/// spelling of every word (`MarkVariants`), one term-dictionary lookup per segment and field, and the same
/// words recur from query to query. A snapshot never changes, so entries never go stale.
package final class DocumentFrequencyCache: Sendable {
    /// Past this many entries the cache starts over, bounding its memory (~100 bytes an entry).
    static let capacity = 100_000

    struct Key: Hashable {
        var fields: [String]
        var term: [UInt8]
    }

    private let entries = Mutex<[Key: UInt64]>([:])

    package init() {}

    /// The number of cached frequencies.
    package var count: Int { entries.withLock { $0.count } }

    func frequency(fields: [String], term: [UInt8]) -> UInt64? {
        entries.withLock { $0[Key(fields: fields, term: term)] }
    }

    func store(_ frequency: UInt64, fields: [String], term: [UInt8]) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(fields: fields, term: term)] = frequency
        }
    }
}
