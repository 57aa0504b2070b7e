import VietSearchStorage

extension QueryWeight {
    /// For a disjunction of keys alone (a bare term in its fields, terms under OR, prefix expansions,
    /// nested SHOULD-only groups of them: `isKeyDisjunction`), the `TermLeaf`s of segment `index` and how
    /// the scorer tree sums them, exactly as `disjunctiveLeaves` would lay them out (same leaves, order and
    /// tree). Nil for any other shape or past `MaxScoreDisjunction.maximumLeaves`; no leaves when nothing
    /// matches in the segment.
    func termLeaves(segment index: Int) throws -> (leaves: [TermLeaf], tree: ScoreSumTree)? {
        guard Self.isKeyDisjunction(root) else { return nil }
        var leaves: [TermLeaf] = []
        // Room for every key at once: growing the array moved the leaves made so far, each copy retaining and
        // releasing a leaf's references (or2: one regrowth a query, ~3k instructions, callgrind, session 8).
        leaves.reserveCapacity(Swift.min(Self.keyCount(root), MaxScoreDisjunction.maximumLeaves))
        var tree = ScoreSumTree()
        guard let node = try addTermLeaves(root, segment: index, into: &leaves, tree: &tree) else { return nil }
        tree.setRoot(node)
        return (leaves, tree)
    }

    /// The keys of a keys-only clause in all fields (an upper bound of its leaves in any segment).
    private static func keyCount(_ clause: BoundQuery) -> Int {
        switch clause {
        case .keys(let keys): return keys.count
        case .boolean(_, let should, _): return should.reduce(0) { $0 + keyCount($1) }
        default: return 0
        }
    }

    /// For a query whose MUST clauses are all keys-only (`isKeyDisjunction`) and that has no SHOULD clause
    /// (every `.bm25` `a AND b`, exclusions allowed), the leaves of segment `index` laid out exactly as
    /// `conjunctiveParts` lays them out (same leaves, groups and tree), made as `TermLeaf`s directly: the
    /// `TermScorer` classes that path wraps them in, only for `KeyConjunction` to unwrap, cost ~5k
    /// instructions a query in allocations, copies and releases (and2, callgrind). Nil for any other shape or
    /// past `MaxScoreDisjunction.maximumLeaves` (`conjunctiveParts` decides then), `.some(nil)` when nothing
    /// can match in the segment.
    func conjunctiveTermLeaves(segment index: Int) throws -> ConjunctiveTermLeaves?? {
        guard case .boolean(let must, let should, let mustNot) = root, !must.isEmpty, should.isEmpty,
              must.allSatisfy(Self.isKeyDisjunction) else { return nil }
        var parts = ConjunctiveTermLeaves()
        parts.leaves.reserveCapacity(Swift.min(must.reduce(0) { $0 + Self.keyCount($1) }, MaxScoreDisjunction.maximumLeaves))
        var requiredChildren: [ScoreSumTree.Child] = []
        requiredChildren.reserveCapacity(must.count)
        parts.groups.reserveCapacity(must.count)
        for clause in must {
            let start = parts.leaves.count
            guard let node = try addTermLeaves(clause, segment: index, into: &parts.leaves, tree: &parts.tree) else { return nil }
            requiredChildren.append(.node(node))
            guard parts.leaves.count > start else { return .some(nil) }
            parts.groups.append(start..<parts.leaves.count)
        }
        // `conjunctiveParts`' root: one child, the conjunction of the groups (no optional clause follows).
        parts.tree.setRoot(parts.tree.addNode([.node(parts.tree.addNode(requiredChildren))]))
        if !mustNot.isEmpty { parts.excluded = try mustNot.compactMap { try makeScorer($0, segment: index) } }
        return parts
    }

    /// `flatten`'s walk for keys-only clauses; nil past `maximumLeaves`.
    private func addTermLeaves(_ clause: BoundQuery, segment index: Int, into leaves: inout [TermLeaf],
                               tree: inout ScoreSumTree) throws -> Int? {
        var children: [ScoreSumTree.Child] = []
        switch clause {
        case .keys(let keys):
            children.reserveCapacity(keys.count)
            for key in keys {
                guard let info = key.infos[index], let number = fieldNumber(key.scoring.fieldName, index) else { continue }
                guard leaves.count < MaxScoreDisjunction.maximumLeaves else { return nil }
                children.append(.leaf(leaves.count))
                // Opened here and the leaf made by its non-throwing init (see `TermLeaf.init(opened:…)`).
                let reader = segments[index]
                var cursor = try reader.postings(info)
                let first = try cursor.nextDoc()
                leaves.append(TermLeaf(opened: consume cursor, first: first, lengths: reader.fieldLengthColumn(field: number),
                                       info: info, scoring: key.scoring))
            }
        case .boolean(let must, let should, let mustNot) where must.isEmpty && mustNot.isEmpty:
            children.reserveCapacity(should.count)
            for inner in should {
                guard let node = try addTermLeaves(inner, segment: index, into: &leaves, tree: &tree) else { return nil }
                children.append(.node(node))
            }
        default:
            return nil
        }
        return tree.addNode(children)
    }
}

/// `ConjunctiveParts` of a conjunction of key groups, its leaves as `TermLeaf` values
/// (`QueryWeight.conjunctiveTermLeaves`).
struct ConjunctiveTermLeaves {
    var leaves: [TermLeaf] = []
    /// One range of `leaves` per MUST clause.
    var groups: [Range<Int>] = []
    var tree = ScoreSumTree()
    var excluded: [any DocScorer] = []
}

extension QueryWeight {
    /// For a disjunction of keys alone, a lower bound of its matches over all segments known from the
    /// bound term infos alone: per segment the longest of its lists (live documents), summed. Nil for
    /// other shapes. When it reaches the hits to count, every segment's `TermDisjunction` can report its
    /// longest list as its lower bound at once, as one merged segment does, instead of counting the
    /// union exactly in the first segments (`QueryEngine.search`).
    func keyDisjunctionMatchesLowerBound() -> Int? {
        guard Self.isKeyDisjunction(root) else { return nil }
        // Segment by segment, with no array of maxima (its allocation, through the unspecialised
        // `Array(repeating:count:)`, cost more than the walk: ~650 instructions, callgrind).
        var total = 0
        for index in segments.indices { total += Int(longestList(root, segment: index)) }
        return total
    }

    /// The largest document frequency in segment `index` of the clause's keys (a method, not a nested
    /// function: its captured context was allocated on every query).
    private func longestList(_ clause: BoundQuery, segment index: Int) -> UInt32 {
        switch clause {
        case .keys(let keys):
            var longest: UInt32 = 0
            for key in keys where fieldNumber(key.scoring.fieldName, index) != nil {
                if let info = key.infos[index] { longest = Swift.max(longest, info.documentFrequency) }
            }
            return longest
        case .boolean(_, let should, _):
            var longest: UInt32 = 0
            for inner in should { longest = Swift.max(longest, longestList(inner, segment: index)) }
            return longest
        default:
            return 0
        }
    }
}
