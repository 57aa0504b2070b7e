import VietSearchStorage

/// An analysed query bound to the global statistics of a snapshot (Lucene's Weight): every key has
/// its index-wide document frequency and idf, every field its avgdl. It makes per-segment scorers.
/// Statistics are always summed over all segments, so a multi-segment index scores like one segment.
package final class QueryWeight {
    let segments: [SegmentReader]
    private let options: QueryOptions
    private let documentCount: UInt64
    /// The fields bound so far (a query names one to a few: a linear scan beats hashing the name, and an
    /// empty array costs no allocation until the first field is bound).
    private var boundFields: [BoundField] = []
    /// `searchedFields(nil)`, built by its first call: every unfielded clause searches the same list.
    private var defaultFields: [BoundField]?
    /// The bound query (read by the shape tests of other files, e.g. `isPhraseDisjunction`).
    private(set) var root: BoundQuery = .nothing
    /// (field, key) pairs the prefix clauses bound so far.
    private var expandedKeys = 0
    /// Product of the `.boosted` wrappers around the clause being bound.
    private var boostMultiplier = 1.0
    /// Keys already looked up, per field, by this query (`.vietnamese` queries name a key several times:
    /// a word's term clause and each adjacency phrase holding it) and by earlier queries of the snapshot.
    private let lookups: TermLookupCache
    /// Fields' numbers and summed lengths computed once per snapshot (`QueryEngine`), nil to compute them here.
    private let fieldStatistics: SnapshotFieldStatistics?

    /// A field resolved in every segment (field numbers differ per segment).
    struct BoundField {
        var name: String
        var boost: Double
        var avgdl: Double
        var numbers: [UInt8?]
    }

    /// One key in one field, with its per-segment term infos.
    struct BoundKey {
        var scoring: FieldScoring
        var infos: [TermInfo?]
    }

    /// One phrase in one field; per segment the infos of its keys, nil when a key is missing there.
    struct BoundPhrase {
        var scoring: FieldScoring
        var slop: Int
        var infos: [[TermInfo]?]
    }

    indirect enum BoundQuery {
        case keys([BoundKey])
        case phrases([BoundPhrase])
        case boolean(must: [BoundQuery], should: [BoundQuery], mustNot: [BoundQuery])
        case nothing
    }

    package init(_ query: AnalyzedQuery, segments: [SegmentReader], options: QueryOptions,
                 lookups: TermLookupCache = TermLookupCache(), fieldStatistics: SnapshotFieldStatistics? = nil) throws {
        self.segments = segments
        self.options = options
        self.lookups = lookups
        self.fieldStatistics = fieldStatistics
        // Live documents only: deleted ones (kept in segments until a merge) do not count (issue 5).
        documentCount = segments.reduce(0) { $0 + UInt64($1.liveDocumentCount) }
        root = documentCount == 0 ? .nothing : try bind(query)
    }

    /// The scorer of segment `index`, nil when nothing can match there. Already on its first match.
    package func scorer(segment index: Int) throws -> (any DocScorer)? {
        try makeScorer(root, segment: index)
    }

    /// The shapes the disjunctive path takes: a bare key or phrase group, or a boolean with SHOULD clauses only.
    var isPureDisjunction: Bool {
        switch root {
        case .keys, .phrases: return true
        case .boolean(let must, _, let mustNot): return must.isEmpty && mustNot.isEmpty
        case .nothing: return false
        }
    }

    /// For a query that is a pure disjunction (a bare term, `a OR b`, bare terms under OR, with the
    /// `.vietnamese` folded keys and adjacency phrases as further SHOULD clauses, nested SHOULD-only
    /// groups), the leaf scorers of segment `index` and how the scorer tree sums them: each key or phrase
    /// of a field is a leaf (phrases in two-phase mode), nested SHOULD-only groups are flattened, any other
    /// clause is one leaf (its own scorer). Nil for any other shape or too many leaves; no leaves when
    /// nothing matches in the segment.
    func disjunctiveLeaves(segment index: Int) throws -> (leaves: [any DocScorer], tree: ScoreSumTree)? {
        guard isPureDisjunction else { return nil }
        var leaves: [any DocScorer] = []
        var tree = ScoreSumTree()
        guard let node = try flatten(root, segment: index, into: &leaves, tree: &tree) else { return nil }
        tree.setRoot(node)
        return (leaves, tree)
    }

    /// For the shapes `disjunctiveLeaves` takes, the number of leaves it would make in segment `index` and
    /// the sum of their `estimatedMatches`, in leaf order, without making them (no cursor opened, no block
    /// decoded): the engine picks the plain scorer tree for a segment expected to have few matches, and
    /// leaves made only to be measured were made twice. Nil exactly when `disjunctiveLeaves` is nil.
    func disjunctiveEstimate(segment index: Int) throws -> (leaves: Int, matches: Double)? {
        guard isPureDisjunction else { return nil }
        var leaves = 0
        var matches = 0.0
        guard try estimate(root, segment: index, leaves: &leaves, matches: &matches) else { return nil }
        return (leaves, matches)
    }

    /// `flatten`'s walk, counting leaves and summing their estimates; false past `maximumLeaves`.
    private func estimate(_ clause: BoundQuery, segment index: Int, leaves: inout Int, matches: inout Double) throws -> Bool {
        let documents = Double(segments[index].documentCount)
        switch clause {
        case .keys(let keys):
            for key in keys {
                guard let info = key.infos[index], fieldNumber(key.scoring.fieldName, index) != nil else { continue }
                leaves += 1
                matches += Double(UInt64(info.documentFrequency))
            }
        case .phrases(let phrases):
            for phrase in phrases {
                guard let infos = phrase.infos[index], fieldNumber(phrase.scoring.fieldName, index) != nil else { continue }
                leaves += 1
                matches += ConjunctionScorer.intersection(infos.map { Double($0.documentFrequency) }, documentCount: documents)
            }
        case .boolean(let must, let should, let mustNot) where must.isEmpty && mustNot.isEmpty:
            for inner in should {
                guard try estimate(inner, segment: index, leaves: &leaves, matches: &matches) else { return false }
            }
        default:
            if let scorer = try makeScorer(clause, segment: index) {
                leaves += 1
                matches += scorer.estimatedMatches(documentCount: documents)
            }
        }
        return leaves <= MaxScoreDisjunction.maximumLeaves
    }

    /// Adds `clause`'s leaves and sum node (see `disjunctiveLeaves`); nil past `maximumLeaves`.
    private func flatten(_ clause: BoundQuery, segment index: Int, into leaves: inout [any DocScorer],
                         tree: inout ScoreSumTree) throws -> Int? {
        var children: [ScoreSumTree.Child] = []
        func add(_ scorers: [any DocScorer]) {
            for scorer in scorers {
                children.append(.leaf(leaves.count))
                leaves.append(scorer)
            }
        }
        switch clause {
        case .keys(let keys):
            add(try keyScorers(keys, segment: index))
        case .phrases(let phrases):
            add(try phraseScorers(phrases, segment: index, twoPhase: true))
        case .boolean(let must, let should, let mustNot) where must.isEmpty && mustNot.isEmpty:
            for inner in should {
                guard let node = try flatten(inner, segment: index, into: &leaves, tree: &tree) else { return nil }
                children.append(.node(node))
            }
        default:
            add(try makeScorer(clause, segment: index).map { [$0] } ?? [])
        }
        guard leaves.count <= MaxScoreDisjunction.maximumLeaves else { return nil }
        return tree.addNode(children)
    }

    /// For a query with MUST clauses, the parts of its `BooleanScorer` in segment `index`, flattened into
    /// leaves: each MUST clause is a group of leaves (a key's field scorers, or the clause's own scorer)
    /// of which a document must match at least one; the optional clauses follow as further leaves (phrases
    /// in two-phase mode); the tree sums them as the `BooleanScorer` does (the conjunction of the groups,
    /// then each optional clause that matches). Nil for other shapes or too many leaves, `.some(nil)` when
    /// nothing can match in the segment.
    func conjunctiveParts(segment index: Int) throws -> ConjunctiveParts?? {
        guard case .boolean(let must, let should, let mustNot) = root, !must.isEmpty else { return nil }
        var parts = ConjunctiveParts()
        var requiredChildren: [ScoreSumTree.Child] = []
        for clause in must {
            let start = parts.leaves.count
            if Self.isKeyDisjunction(clause) {
                guard let node = try flatten(clause, segment: index, into: &parts.leaves, tree: &parts.tree) else { return nil }
                requiredChildren.append(.node(node))
            } else {
                guard let scorer = try makeScorer(clause, segment: index) else { return .some(nil) }
                parts.leaves.append(scorer)
                requiredChildren.append(.node(parts.tree.addNode([.leaf(start)])))
            }
            guard parts.leaves.count > start else { return .some(nil) }
            parts.groups.append(start..<parts.leaves.count)
        }
        var children: [ScoreSumTree.Child] = [.node(parts.tree.addNode(requiredChildren))]
        for clause in should {
            guard let node = try flatten(clause, segment: index, into: &parts.leaves, tree: &parts.tree) else { return nil }
            children.append(.node(node))
        }
        parts.tree.setRoot(parts.tree.addNode(children))
        parts.excluded = try mustNot.compactMap { try makeScorer($0, segment: index) }
        return parts
    }

    /// Keys and SHOULD-only groups of them: every leaf `flatten` makes for it is a confirmed match (no
    /// two-phase phrase), so a document matches the clause exactly when one of the leaves is on it.
    static func isKeyDisjunction(_ clause: BoundQuery) -> Bool {
        switch clause {
        case .keys: return true
        case .boolean(let must, let should, let mustNot) where must.isEmpty && mustNot.isEmpty:
            return should.allSatisfy(isKeyDisjunction)
        default: return false
        }
    }

    // MARK: Binding

    private func bind(_ query: AnalyzedQuery) throws -> BoundQuery {
        switch query {
        case .nothing:
            return .nothing
        case .boosted(let inner, let boost):
            let outer = boostMultiplier
            boostMultiplier *= boost
            defer { boostMultiplier = outer }
            return try bind(inner)
        case .term(let label, let field, let key):
            // A loop into a reserved array: `compactMap` grew its result once per field (~300 instructions each).
            let fields = try searchedFields(field)
            var keys: [BoundKey] = []
            keys.reserveCapacity(fields.count)
            for bound in fields {
                if let part = try bindKey(key, label: label, field: bound) { keys.append(part) }
            }
            return keys.isEmpty ? .nothing : .keys(keys)
        case .prefix(let label, let field, let prefix):
            var keys: [BoundKey] = []
            for bound in try searchedFields(field) {
                let expansion = try expand(prefix, in: bound)
                expandedKeys += expansion.count
                guard expandedKeys <= QueryLimits.maxExpandedKeysPerQuery else {
                    throw QueryLimitError("the prefix clauses expand to more than \(QueryLimits.maxExpandedKeysPerQuery) "
                                          + "keys in total; use longer prefixes or fewer of them")
                }
                for key in expansion {
                    if let part = try bindKey(key, label: label, field: bound) { keys.append(part) }
                }
            }
            return keys.isEmpty ? .nothing : .keys(keys)
        case .phrase(let label, let field, let keys, let slop):
            let phrases = try searchedFields(field).compactMap {
                try bindPhrase(keys, slop: slop, label: label, field: $0)
            }
            return phrases.isEmpty ? .nothing : .phrases(phrases)
        case .boolean(let clauses):
            var must: [BoundQuery] = [], should: [BoundQuery] = [], mustNot: [BoundQuery] = []
            for clause in clauses {
                let bound = try bind(clause.query)
                let empty: Bool
                if case .nothing = bound { empty = true } else { empty = false }
                switch clause.occur {
                case .must:
                    if empty { return .nothing }
                    // Reserved at the first append: growing from 1 to 2 clauses cost a reallocation.
                    if must.isEmpty { must.reserveCapacity(clauses.count) }
                    must.append(bound)
                case .should:
                    if empty { break }
                    if should.isEmpty { should.reserveCapacity(clauses.count) }
                    should.append(bound)
                case .mustNot:
                    if !empty { mustNot.append(bound) }
                }
            }
            if must.isEmpty && should.isEmpty { return .nothing }
            return .boolean(must: must, should: should, mustNot: mustNot)
        }
    }

    private func searchedFields(_ explicit: String?) throws -> [BoundField] {
        if let explicit { return [field(explicit, boost: 1)] }
        if let defaultFields { return defaultFields }
        let fields = options.fields.map { field($0.name, boost: $0.boost) }
        defaultFields = fields
        return fields
    }

    private func field(_ name: String, boost: Double) -> BoundField {
        if let known = boundFields.firstIndex(where: { $0.name == name }) {
            var cached = boundFields[known]
            cached.boost = boost
            return cached
        }
        let field = fieldStatistics?.field(named: name)
            ?? SnapshotFieldStatistics.Field(name: name, segments: segments)
        let bound = BoundField(name: name, boost: boost, avgdl: Double(field.sumOfLengths) / Double(documentCount),
                               numbers: field.numbers)
        if boundFields.isEmpty { boundFields.reserveCapacity(options.fields.count) }
        boundFields.append(bound)
        return bound
    }

    private func scoring(label: String, field: BoundField, idf: Double, keys: [[UInt8]]) -> FieldScoring {
        FieldScoring(clause: label, fieldName: field.name, fieldNumber: 0, boost: field.boost * boostMultiplier, idf: idf,
                     avgdl: field.avgdl, bm25: options.bm25, keys: keys)
    }

    /// Per-segment infos of `key` and its global document frequency.
    private func lookUp(_ key: [UInt8], in field: BoundField) throws -> (infos: [TermInfo?], frequency: UInt64) {
        if let known = lookups.entry(field: field.name, term: key) { return known }
        var infos: [TermInfo?] = []
        infos.reserveCapacity(segments.count)
        var frequency: UInt64 = 0
        for (segment, number) in zip(segments, field.numbers) {
            let info = try number.flatMap { try segment.termInfo(field: $0, term: key) }
            if let info { frequency += UInt64(info.documentFrequency) }
            infos.append(info)
        }
        lookups.store((infos, frequency), field: field.name, term: key)
        return (infos, frequency)
    }

    private func bindKey(_ key: [UInt8], label: String, field: BoundField) throws -> BoundKey? {
        let (infos, frequency) = try lookUp(key, in: field)
        guard frequency > 0 else { return nil }
        let idf = BM25.idf(documentCount: documentCount, documentFrequency: frequency)
        return BoundKey(scoring: scoring(label: label, field: field, idf: idf, keys: [key]), infos: infos)
    }

    private func bindPhrase(_ keys: [[UInt8]], slop: Int, label: String, field: BoundField) throws -> BoundPhrase? {
        var idf = 0.0
        var perSegment: [[TermInfo]?] = Array(repeating: [], count: segments.count)
        for key in keys {
            let (infos, frequency) = try lookUp(key, in: field)
            guard frequency > 0 else { return nil }
            idf += BM25.idf(documentCount: documentCount, documentFrequency: frequency)
            for (index, info) in infos.enumerated() {
                if let info { perSegment[index]?.append(info) } else { perSegment[index] = nil }
            }
        }
        return BoundPhrase(scoring: scoring(label: label, field: field, idf: idf, keys: keys),
                           slop: slop, infos: perSegment)
    }

    /// The first `QueryLimits.maxPrefixExpansion` keys, in byte order, of the union over segments of
    /// the field's keys starting with `prefix`. Taking that many from each segment is enough: a key in
    /// the union's first N is among the first N of every segment that has it.
    private func expand(_ prefix: [UInt8], in field: BoundField) throws -> [[UInt8]] {
        var union = Set<[UInt8]>()
        for (segment, number) in zip(segments, field.numbers) {
            guard let number else { continue }
            for entry in try segment.terms(field: number, prefix: prefix, limit: QueryLimits.maxPrefixExpansion) {
                union.insert(entry.term)
            }
        }
        return Array(union.sorted { $0.lexicographicallyPrecedes($1) }.prefix(QueryLimits.maxPrefixExpansion))
    }

    func fieldNumber(_ name: String, _ segment: Int) -> UInt8? {
        for field in boundFields where field.name == name { return field.numbers[segment] }
        return nil
    }
}
