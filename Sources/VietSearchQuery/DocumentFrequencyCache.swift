import Synchronization

/// Document frequencies already looked up in one snapshot (keyed by the searched fields and the key), shared
/// by every query of a `QueryEngine`: the `.vietnamese` expansion and restoration look up each marked
/// spelling of every word (`MarkVariants`), one term-dictionary lookup per segment and field, and the same
/// words recur from query to query. A snapshot never changes, so entries never go stale.
/// It also keeps the documents counted for adjacent pairs of spellings (restoration runs a phrase count
/// for each pair of candidates of two adjacent bare words, up to 36 per pair) and each word's list of spellings (`IndexVocabulary.spellings`: all of them for restoration,
/// the compatible ones for expansion), derived from those frequencies: a repeated word then costs one
/// lookup here instead of one per marked variant, each with a compatibility test and a fold.
package final class DocumentFrequencyCache: Sendable {
    /// Past this many entries (frequencies or spelling lists) a map starts over, bounding its memory
    /// (~100 bytes a frequency, a few hundred a list).
    static let capacity = 100_000

    struct Key: Hashable {
        var fields: [String]
        var term: [UInt8]
    }

    struct SpellingsKey: Hashable {
        var fields: [String]
        var folded: String
        /// The word as typed when only its compatible spellings are listed (expansion), nil for all.
        var typed: String?
    }

    typealias Spellings = [(key: String, frequency: UInt64)]

    struct PairKey: Hashable {
        var fields: [String]
        var keys: [[UInt8]]
    }

    private let entries = Mutex<[Key: UInt64]>([:])
    private let spellingLists = Mutex<[SpellingsKey: Spellings]>([:])
    private let pairCounts = Mutex<[PairKey: Int]>([:])
    /// Folded forms of exact keys (`VietnameseQueryExpander.fold`): computing one runs the analyzer
    /// (~6k instructions, most of expanding a `.vietnamese` one-word query), a lookup here ~10× less.
    private let foldedForms = Mutex<[String: String]>([:])

    package init() {}

    /// The number of cached frequencies.
    package var count: Int { entries.withLock { $0.count } }

    /// The number of cached pair counts.
    package var pairEntryCount: Int { pairCounts.withLock { $0.count } }

    /// The number of cached folded forms.
    package var foldedFormCount: Int { foldedForms.withLock { $0.count } }

    /// The number of cached spelling lists.
    package var spellingListCount: Int { spellingLists.withLock { $0.count } }

    func frequency(fields: [String], term: [UInt8]) -> UInt64? {
        entries.withLock { $0[Key(fields: fields, term: term)] }
    }

    func store(_ frequency: UInt64, fields: [String], term: [UInt8]) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(fields: fields, term: term)] = frequency
        }
    }

    func spellings(fields: [String], folded: String, typed: String?) -> Spellings? {
        spellingLists.withLock { $0[SpellingsKey(fields: fields, folded: folded, typed: typed)] }
    }

    func store(_ spellings: Spellings, fields: [String], folded: String, typed: String?) {
        spellingLists.withLock { lists in
            if lists.count >= Self.capacity { lists.removeAll(keepingCapacity: true) }
            lists[SpellingsKey(fields: fields, folded: folded, typed: typed)] = spellings
        }
    }

    /// The folded form of the exact key text `exact`, if computed before.
    package func folded(of exact: String) -> String? {
        foldedForms.withLock { $0[exact] }
    }

    func store(folded: String, of exact: String) {
        foldedForms.withLock { forms in
            if forms.count >= Self.capacity { forms.removeAll(keepingCapacity: true) }
            forms[exact] = folded
        }
    }

    /// Documents holding the exact keys adjacent, in order (restoration's pair evidence), if counted before.
    func pairCount(fields: [String], keys: [[UInt8]]) -> Int? {
        pairCounts.withLock { $0[PairKey(fields: fields, keys: keys)] }
    }

    func store(pairCount: Int, fields: [String], keys: [[UInt8]]) {
        pairCounts.withLock { counts in
            if counts.count >= Self.capacity { counts.removeAll(keepingCapacity: true) }
            counts[PairKey(fields: fields, keys: keys)] = pairCount
        }
    }
}
