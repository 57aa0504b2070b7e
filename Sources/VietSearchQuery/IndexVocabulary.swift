import VietSearchStorage

/// Document frequencies of keys in the searched fields of a snapshot, summed over segments and fields.
/// Used by query expansion and restoration to ask "does the index know this spelling, and how often".
struct IndexVocabulary {
    private let segments: [SegmentReader]
    /// Per searched field, its number in each segment (nil where the segment lacks the field).
    private let fieldNumbers: [[UInt8?]]
    private let fields: [String]
    private var cache: [[UInt8]: UInt64] = [:]
    /// Frequencies shared by the snapshot's queries (nil: this vocabulary's own cache only).
    private let shared: DocumentFrequencyCache?
    /// Per-segment infos of keys bound by the snapshot's queries (`QueryWeight`): a bare word's folded
    /// key is bound before its spellings are listed, and the other way round with `.vietnamese`.
    private let lookups: TermLookupCache?

    init(segments: [SegmentReader], fields: [String], shared: DocumentFrequencyCache? = nil,
         lookups: TermLookupCache? = nil) {
        self.segments = segments
        self.fields = fields
        self.shared = shared
        self.lookups = lookups
        fieldNumbers = fields.map { name in segments.map { $0.fieldNumber(named: name) } }
    }

    /// Documents having `key` in a searched field (a document with it in two fields counts twice).
    mutating func documentFrequency(_ key: [UInt8]) throws -> UInt64 {
        if let known = cache[key] { return known }
        if let known = shared?.frequency(fields: fields, term: key) {
            cache[key] = known
            return known
        }
        var total: UInt64 = 0
        for (field, numbers) in zip(fields, fieldNumbers) {
            for info in try infos(of: key, field: field, numbers: numbers) {
                if let info { total += UInt64(info.documentFrequency) }
            }
        }
        cache[key] = total
        shared?.store(total, fields: fields, term: key)
        return total
    }

    /// The folded form of exact key text `exact` (`VietnameseQueryExpander.fold`), kept in the shared cache.
    func folded(_ exact: String) -> String {
        if let known = shared?.folded(of: exact) { return known }
        let folded = VietnameseQueryExpander.fold(exact)
        shared?.store(folded: folded, of: exact)
        return folded
    }

    /// The exact keys present in the index that fold to `folded` and keep every mark of `typed`
    /// (`typed` nil: every spelling), with their frequencies, most frequent first. Lists are kept in the
    /// shared cache; a list for a typed word is the full list's compatible part when that is known.
    mutating func spellings(folded: String, compatibleWith typed: String?,
                            fold: (String) -> String) throws -> [(key: String, frequency: UInt64)] {
        if let known = shared?.spellings(fields: fields, folded: folded, typed: typed) { return known }
        var variants = MarkVariants.spellings(of: folded)
        var found: [(key: String, frequency: UInt64)]
        if let typed {
            variants.removeAll { !MarkVariants.isCompatible(typed: typed, candidate: $0) }
            if let all = shared?.spellings(fields: fields, folded: folded, typed: nil) {
                // The full list filtered keeps its order (a total order): the same list as probing gives.
                found = all.filter { MarkVariants.isCompatible(typed: typed, candidate: $0.key) }
            } else if variants.count > Self.compatibleProbeLimit {
                found = try spellings(folded: folded, variants: MarkVariants.spellings(of: folded), fold: fold)
                shared?.store(found, fields: fields, folded: folded, typed: nil)
                found.removeAll { !MarkVariants.isCompatible(typed: typed, candidate: $0.key) }
            } else {
                found = try spellings(folded: folded, variants: variants, fold: fold)
            }
        } else {
            found = try spellings(folded: folded, variants: variants, fold: fold)
        }
        shared?.store(found, fields: fields, folded: folded, typed: typed)
        return found
    }

    /// A typed word with at most this many compatible spellings (a toned word: its own) has each looked up;
    /// with more (`dang`, `viên` without tone: up to 24), the full list is cheaper (it stops early, below).
    static let compatibleProbeLimit = 4

    /// The keys among `variants` present in the searched fields, with their summed live document
    /// frequencies, most frequent first (`frequency, key`).
    ///
    /// Every token indexes its exact key and its folded key (a function of the exact one) at the same
    /// position of the same field and segment, so a spelling can only be where the folded key is, and in
    /// each field of each segment the total term frequencies of the exact keys folding to `folded` add up
    /// to the folded key's. So each (field, segment) is probed only where the folded key is, spellings
    /// found elsewhere first, and only until the frequencies found account for all of the folded key's:
    /// the remaining variants hold no occurrence there. A (field, segment) whose sum never gets there
    /// (a spelling missing from `variants`, or one whose documents are all deleted) is probed in full.
    /// Probing every variant (`MarkVariants`: 36 for `dang`, 96 for `nguoi`) in every segment made
    /// restoration's cost grow with the segment count (PERFORMANCE.md "Query speed (session 6)").
    private func spellings(folded: String, variants: [String],
                           fold: (String) -> String) throws -> [(key: String, frequency: UInt64)] {
        guard !variants.isEmpty else { return [] }
        let foldedKey = TermKeys.folded(folded)
        var frequencies = [UInt64](repeating: 0, count: variants.count)
        /// Per variant: nil until it is found, then whether it folds back to `folded`.
        var foldsBack = [Bool?](repeating: nil, count: variants.count)
        /// Variants found so far, in the order found (probed first in the next field and segment).
        var foundOrder: [Int] = []
        var probed = [Bool](repeating: false, count: variants.count)
        for (field, numbers) in zip(fields, fieldNumbers) {
            let foldedInfos = try infos(of: foldedKey, field: field, numbers: numbers)
            for (segment, (number, foldedInfo)) in zip(segments, zip(numbers, foldedInfos)) {
                guard let number, let foldedInfo else { continue }
                var remaining = Int64(clamping: foldedInfo.totalTermFrequency)
                var stopsEarly = true
                for index in probed.indices { probed[index] = false }
                let known = foundOrder
                for index in known + Array(variants.indices) where !probed[index] {
                    if stopsEarly && remaining == 0 { break }
                    probed[index] = true
                    guard let info = try segment.termInfo(field: number, term: TermKeys.exact(variants[index])) else { continue }
                    frequencies[index] += UInt64(info.documentFrequency)
                    if foldsBack[index] == nil {
                        foldsBack[index] = fold(variants[index]) == folded
                        foundOrder.append(index)
                    }
                    guard foldsBack[index] == true else { continue }
                    remaining -= Int64(clamping: info.totalTermFrequency)
                    // More than the folded key holds: the sum cannot be trusted here, probe everything.
                    if remaining < 0 { stopsEarly = false }
                }
            }
        }
        var found: [(key: String, frequency: UInt64)] = []
        for index in foundOrder where foldsBack[index] == true && frequencies[index] > 0 {
            found.append((variants[index], frequencies[index]))
        }
        found.sort { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.key < $1.key }
        return found
    }

    /// `key`'s info in each segment (nil where absent or the field is missing), from the snapshot's lookup
    /// cache when a query bound it, else looked up and kept there as `QueryWeight` would.
    private func infos(of key: [UInt8], field: String, numbers: [UInt8?]) throws -> [TermInfo?] {
        if let known = lookups?.entry(field: field, term: key) { return known.infos }
        var infos: [TermInfo?] = []
        infos.reserveCapacity(segments.count)
        var frequency: UInt64 = 0
        for (segment, number) in zip(segments, numbers) {
            let info = try number.flatMap { try segment.termInfo(field: $0, term: key) }
            if let info { frequency += UInt64(info.documentFrequency) }
            infos.append(info)
        }
        lookups?.store((infos, frequency), field: field, term: key)
        return infos
    }
}
