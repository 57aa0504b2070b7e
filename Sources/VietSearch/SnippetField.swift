import VietSearchAnalysis

/// One occurrence of a highlight clause in a field: a UTF-8 byte range of the stored value.
struct FieldMatch: Sendable {
    var start: Int
    var end: Int
    /// The matching clause's group (`HighlightClause.group`): the query words it stands for.
    var clause: Int
    /// Found through the folded fallback of a clause typed with marks.
    var isWeak: Bool
    var isPhrase: Bool
}

/// A stored field analysed for snippets: its bytes, its tokens' byte offsets and keys (from the same
/// analyser that indexed it, so offsets and keys agree with the index), and the tokens grouped by position.
/// Keys are copied into one flat buffer so matching compares bytes without touching `String`s.
struct SnippetField {
    let name: String
    /// Order of the field among the snippet fields (earlier wins ties).
    let order: Int
    let bytes: [UInt8]
    /// Per token: byte range in `bytes`.
    private let tokenStarts: [Int]
    private let tokenEnds: [Int]
    /// Per token: exact and folded key ranges in `keyBytes`.
    private let keyBytes: [UInt8]
    private let exactKeys: [Range<Int>]
    private let foldedKeys: [Range<Int>]
    /// Byte ranges of the tokens that are not joined abbreviation forms, sorted by start: the places where
    /// a fragment may begin or end.
    let boundaries: [(start: Int, end: Int)]
    /// `tokenOrder[positionStarts[p]..<positionStarts[p + 1]]` are the tokens at position `p`.
    private let tokenOrder: [Int]
    private let positionStarts: [Int]

    /// Analyses at most `maxAnalyzedBytes` of `value` (up to the last ASCII whitespace before that limit, so
    /// no token is cut); tokens after it are not seen.
    init(name: String, value: String, order: Int, analyzer: VietnameseAnalyzer, maxAnalyzedBytes: Int) {
        self.name = name
        self.order = order
        bytes = Array(value.utf8)
        let tokens: [Token]
        if bytes.count > maxAnalyzedBytes {
            var cut = max(0, maxAnalyzedBytes)
            while cut > 0, !TextMeasure.isSpace(bytes[cut]) { cut -= 1 }
            tokens = analyzer.analyze(String(decoding: bytes[..<cut], as: UTF8.self)).tokens
        } else {
            tokens = analyzer.analyze(value).tokens
        }
        var starts: [Int] = [], ends: [Int] = [], keys: [UInt8] = []
        var exact: [Range<Int>] = [], folded: [Range<Int>] = []
        var boundaries: [(start: Int, end: Int)] = []
        starts.reserveCapacity(tokens.count); ends.reserveCapacity(tokens.count)
        exact.reserveCapacity(tokens.count); folded.reserveCapacity(tokens.count)
        keys.reserveCapacity(bytes.count * 2)
        var positionCount = 0
        for token in tokens {
            starts.append(token.start)
            ends.append(token.end)
            let exactStart = keys.count
            keys.append(contentsOf: token.exact.utf8)
            exact.append(exactStart..<keys.count)
            let foldedStart = keys.count
            keys.append(contentsOf: token.folded.utf8)
            folded.append(foldedStart..<keys.count)
            if !token.isJoinedForm { boundaries.append((token.start, token.end)) }
            positionCount = max(positionCount, token.position + 1)
        }
        tokenStarts = starts
        tokenEnds = ends
        keyBytes = keys
        exactKeys = exact
        foldedKeys = folded
        // Tokens come in text order; a joined form can start before the part it follows, so sort.
        if !boundaries.isEmpty, zip(boundaries, boundaries.dropFirst()).contains(where: { $0.start > $1.start }) {
            boundaries.sort { $0.start < $1.start }
        }
        self.boundaries = boundaries
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

    /// True if token `index` has `key` (whole, or as a prefix).
    func matches(_ key: HighlightKey, token index: Int) -> Bool {
        let range = key.folded ? foldedKeys[index] : exactKeys[index]
        if key.isPrefix ? range.count < key.bytes.count : range.count != key.bytes.count { return false }
        return keyBytes.withUnsafeBufferPointer { buffer in
            key.bytes.withUnsafeBufferPointer { wanted in
                var offset = 0
                while offset < wanted.count {
                    if buffer[range.lowerBound + offset] != wanted[offset] { return false }
                    offset += 1
                }
                return true
            }
        }
    }

    /// Byte ranges where `keys` occur in order (a single key: every token it matches; several: phrase
    /// occurrences with total extra gap ≤ `slop`, found like `PhraseScorer`: each next key at the first
    /// position after the previous one). A phrase range runs from its first token's start to its last
    /// token's end.
    func occurrences(of keys: [HighlightKey], slop: Int) -> [(start: Int, end: Int)] {
        guard let first = keys.first else { return [] }
        var result: [(start: Int, end: Int)] = []
        if keys.count == 1 {
            for index in tokenStarts.indices where matches(first, token: index) {
                result.append((tokenStarts[index], tokenEnds[index]))
            }
            return result
        }
        for position in 0..<positionCount {
            for startToken in tokenOrder[positionStarts[position]..<positionStarts[position + 1]]
            where matches(first, token: startToken) {
                if let last = phraseEnd(keys, from: position, slop: slop) {
                    result.append((tokenStarts[startToken], tokenEnds[last]))
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
                where matches(key, token: token) {
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
