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
                leaves.append(try TermLeaf(reader: segments[index], info: info, scoring: key.scoring, fieldNumber: number))
            }
        case .boolean(let must, let should, let mustNot) where must.isEmpty && mustNot.isEmpty:
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

extension QueryWeight {
    /// For a disjunction of keys alone, a lower bound of its matches over all segments known from the
    /// bound term infos alone: per segment the longest of its lists (live documents), summed. Nil for
    /// other shapes. When it reaches the hits to count, every segment's `TermDisjunction` can report its
    /// longest list as its lower bound at once, as one merged segment does, instead of counting the
    /// union exactly in the first segments (`QueryEngine.search`).
    func keyDisjunctionMatchesLowerBound() -> Int? {
        guard Self.isKeyDisjunction(root) else { return nil }
        var longest = [UInt32](repeating: 0, count: segments.count)
        addLongestLists(root, to: &longest)
        return longest.reduce(0) { $0 + Int($1) }
    }

    /// Raises `longest[segment]` to each key's document frequency in that segment (a method, not a nested
    /// function: its captured context was allocated on every query).
    private func addLongestLists(_ clause: BoundQuery, to longest: inout [UInt32]) {
        switch clause {
        case .keys(let keys):
            for key in keys {
                for (index, info) in key.infos.enumerated() where fieldNumber(key.scoring.fieldName, index) != nil {
                    if let info { longest[index] = Swift.max(longest[index], info.documentFrequency) }
                }
            }
        case .boolean(_, let should, _):
            for inner in should { addLongestLists(inner, to: &longest) }
        default:
            return
        }
    }
}
