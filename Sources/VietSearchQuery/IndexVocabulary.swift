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

    init(segments: [SegmentReader], fields: [String], shared: DocumentFrequencyCache? = nil) {
        self.segments = segments
        self.fields = fields
        self.shared = shared
        fieldNumbers = fields.map { name in segments.map { $0.fieldNumber(named: name) } }
    }

    /// Documents having `key` in a searched field (a document with it in two fields counts twice).
    /// `within` (per searched field, per segment) limits the lookups to where the key can be: the others
    /// are known to hold none of it.
    mutating func documentFrequency(_ key: [UInt8], within mask: [[Bool]]? = nil) throws -> UInt64 {
        if let known = cache[key] { return known }
        if let known = shared?.frequency(fields: fields, term: key) {
            cache[key] = known
            return known
        }
        var total: UInt64 = 0
        for (field, numbers) in fieldNumbers.enumerated() {
            for (index, (segment, number)) in zip(segments, numbers).enumerated() {
                if let mask, !mask[field][index] { continue }
                guard let number, let info = try segment.termInfo(field: number, term: key) else { continue }
                total += UInt64(info.documentFrequency)
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
    /// (`typed` nil: every spelling), with their frequencies, most frequent first.
    ///
    /// Every token indexes its exact key and its folded key (a function of the exact one) in the same
    /// field of the same segment, so a spelling can only be where the folded key is: each marked variant
    /// (`MarkVariants`: 36 for `dang`, 96 for `nguoi`) is looked up only in those fields and segments, and
    /// not at all when the folded key is nowhere. Lists are kept in the shared cache.
    mutating func spellings(folded: String, compatibleWith typed: String?,
                            fold: (String) -> String) throws -> [(key: String, frequency: UInt64)] {
        if let known = shared?.spellings(fields: fields, folded: folded, typed: typed) { return known }
        var found: [(key: String, frequency: UInt64)] = []
        let variants = MarkVariants.spellings(of: folded)
        let present = variants.isEmpty ? [] : try presence(TermKeys.folded(folded))
        if present.contains(where: { $0.contains(true) }) {
            for spelling in variants {
                if let typed, !MarkVariants.isCompatible(typed: typed, candidate: spelling) { continue }
                let frequency = try documentFrequency(TermKeys.exact(spelling), within: present)
                guard frequency > 0, fold(spelling) == folded else { continue }
                found.append((spelling, frequency))
            }
            found.sort { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.key < $1.key }
        }
        shared?.store(found, fields: fields, folded: folded, typed: typed)
        return found
    }

    /// Per searched field, per segment: whether some live document there has `key`.
    private func presence(_ key: [UInt8]) throws -> [[Bool]] {
        try fieldNumbers.map { numbers in
            try zip(segments, numbers).map { segment, number in
                guard let number else { return false }
                return try segment.termInfo(field: number, term: key) != nil
            }
        }
    }
}
