import VietSearchAnalysis

/// One occurrence of a highlight clause in a field: a UTF-8 byte range of the stored value.
struct FieldMatch: Sendable {
    var start: Int
    var end: Int
    /// Index into `HighlightQuery.clauses`.
    var clause: Int
    /// Found through the folded fallback of a clause typed with marks.
    var isWeak: Bool
    var isPhrase: Bool
}

/// A stored field analysed for snippets: its bytes, its tokens with byte offsets (from the same analyser
/// that indexed it, so offsets and keys agree with the index), and the tokens grouped by position.
struct SnippetField {
    let name: String
    /// Order of the field among the snippet fields (earlier wins ties).
    let order: Int
    let bytes: [UInt8]
    let tokens: [Token]
    /// Byte ranges of the tokens that are not joined abbreviation forms, sorted by start: the places where
    /// a fragment may begin or end.
    let boundaries: [(start: Int, end: Int)]
    /// `tokenOrder[positionStarts[p]..<positionStarts[p + 1]]` are the tokens at position `p`.
    private let tokenOrder: [Int]
    private let positionStarts: [Int]

    init(name: String, value: String, order: Int, analyzer: VietnameseAnalyzer) {
        self.name = name
        self.order = order
        bytes = Array(value.utf8)
        let analyzed = analyzer.analyze(value)
        tokens = analyzed.tokens
        boundaries = tokens.filter { !$0.isJoinedForm }.map { ($0.start, $0.end) }.sorted { $0.start < $1.start }
        let positionCount = (tokens.map(\.position).max() ?? -1) + 1
        var counts = [Int](repeating: 0, count: positionCount + 1)
        for token in tokens { counts[token.position + 1] += 1 }
        for position in 0..<positionCount { counts[position + 1] += counts[position] }
        positionStarts = counts
        var next = counts
        var order = [Int](repeating: 0, count: tokens.count)
        for (index, token) in tokens.enumerated() {
            order[next[token.position]] = index
            next[token.position] += 1
        }
        tokenOrder = order
    }

    private var positionCount: Int { positionStarts.count - 1 }

    /// Byte ranges where `keys` occur in order (a single key: every token it matches; several: phrase
    /// occurrences with total extra gap ≤ `slop`, found like `PhraseScorer`: each next key at the first
    /// position after the previous one). A phrase range runs from its first token's start to its last
    /// token's end.
    func occurrences(of keys: [HighlightKey], slop: Int) -> [(start: Int, end: Int)] {
        guard let first = keys.first else { return [] }
        if keys.count == 1 {
            return tokens.filter { first.matches($0) }.map { ($0.start, $0.end) }
        }
        var result: [(start: Int, end: Int)] = []
        for position in 0..<positionCount {
            for startToken in tokenOrder[positionStarts[position]..<positionStarts[position + 1]]
            where first.matches(tokens[startToken]) {
                if let last = phraseEnd(keys, from: position, slop: slop) {
                    result.append((tokens[startToken].start, tokens[last].end))
                    break
                }
            }
        }
        return result
    }

    /// The last token of the phrase started at `position`, if the remaining keys follow within the slop.
    private func phraseEnd(_ keys: [HighlightKey], from position: Int, slop: Int) -> Int? {
        let limit = min(positionCount - 1, position + keys.count - 1 + max(0, slop))
        var previous = position
        var lastToken = -1
        for key in keys.dropFirst() {
            var found = false
            var candidate = previous + 1
            search: while candidate <= limit {
                for token in tokenOrder[positionStarts[candidate]..<positionStarts[candidate + 1]]
                where key.matches(tokens[token]) {
                    lastToken = token
                    found = true
                    break search
                }
                candidate += 1
            }
            guard found else { return nil }
            previous = candidate
        }
        return lastToken
    }
}
