import VietSearchAnalysis
import VietSearchQuery

/// Picks the best fragments of a hit's stored fields and marks the query's matches in them.
///
/// 1. Each snippet field is re-analysed with the indexing analyser; every positive query clause
///    (`HighlightQuery`) is matched on its tokens with the query's own keys, phrases as whole spans. A clause
///    typed with marks that has no exact occurrence in the document falls back to its folded keys.
/// 2. Every match anchors a candidate window: the match, the next matches that still fit in `length`
///    characters, then context, a third of the room before (not crossing a sentence start) and the rest
///    after. A window stays within one line (paragraph). Windows begin and end on token boundaries,
///    widened to the surrounding whitespace when only punctuation (quotes, commas) lies there.
/// 3. Windows are ranked by distinct exact clauses, then distinct fallback clauses, phrase matches (also
///    consecutive query words side by side) and match count; the best non-overlapping ones are returned, best first (ties: the longer field, since
///    a short field such as a title is shown whole anyway, then earlier field and text).
/// With no match at all, the beginning of the longest snippet field is returned without highlights.
struct SnippetGenerator {
    let query: HighlightQuery
    /// Fields searched by clauses without `field:`.
    let defaultFields: Set<String>
    /// Fields fragments may come from, in tie-break order: the stored fields a hit must have loaded.
    let fieldNames: [String]
    /// Fragments wanted per hit.
    let count: Int
    /// Target fragment length in characters (`TextMeasure.visibleLength`).
    let length: Int
    private let analyzer = VietnameseAnalyzer()

    /// Only the first this many bytes of a field are re-analysed for matches (cut at whitespace): a hit's
    /// fragments come from the start of a huge field rather than costing a full analysis per search.
    let maxAnalyzedBytes: Int
    static let defaultMaxAnalyzedBytes = 1 << 20

    init(query: HighlightQuery, defaultFields: [String], snippetFields: [String]?, count: Int, length: Int,
         maxAnalyzedBytes: Int = SnippetGenerator.defaultMaxAnalyzedBytes) {
        self.query = query
        self.maxAnalyzedBytes = maxAnalyzedBytes
        self.defaultFields = Set(defaultFields)
        var seen = Set<String>()
        fieldNames = (snippetFields ?? (defaultFields + query.namedFields)).filter { seen.insert($0).inserted }
        self.count = count
        self.length = length
    }

    private struct Candidate {
        var field: Int
        var start: Int
        var end: Int
        var score: Int
    }

    /// Up to `count` fragments of `stored` (the hit's stored fields), best first.
    func snippets(for stored: [(name: String, value: String)]) -> [Snippet] {
        guard count > 0 else { return [] }
        var fields: [SnippetField] = []
        for (order, name) in fieldNames.enumerated() {
            guard let value = stored.first(where: { $0.name == name })?.value, !value.isEmpty else { continue }
            fields.append(SnippetField(name: name, value: value, order: order, analyzer: analyzer,
                                       maxAnalyzedBytes: maxAnalyzedBytes))
        }
        let matches = findMatches(in: fields)
        var candidates: [Candidate] = []
        for index in fields.indices where !fields[index].boundaries.isEmpty {
            var seen = [Int](repeating: -1, count: query.groupCount)
            for anchor in matches[index].indices {
                candidates.append(window(field: index, in: fields[index], matches: matches[index], anchor: anchor,
                                         seen: &seen))
            }
        }
        if candidates.isEmpty { return leadingSnippet(of: fields) }
        candidates.sort {
            ($0.score, fields[$0.field].bytes.count, -$0.field, -$0.start)
                > ($1.score, fields[$1.field].bytes.count, -$1.field, -$1.start)
        }
        var chosen: [Candidate] = []
        for candidate in candidates where chosen.count < count {
            let overlaps = chosen.contains {
                $0.field == candidate.field && $0.start < candidate.end && candidate.start < $0.end
            }
            if !overlaps { chosen.append(candidate) }
        }
        return chosen.map { makeSnippet(fields[$0.field], start: $0.start, end: $0.end, matches: matches[$0.field]) }
    }

    /// Matches per field, sorted by start (longer first at the same start). `FieldMatch.clause` is the
    /// clause's group; fallback clauses count only for groups with no other match in the document.
    private func findMatches(in fields: [SnippetField]) -> [[FieldMatch]] {
        var matches = [[FieldMatch]](repeating: [], count: fields.count)
        var groupFound = [Bool](repeating: false, count: query.groupCount)
        for fallbackPass in [false, true] {
            for (fieldIndex, field) in fields.enumerated() {
                for clause in query.clauses where clause.isFallback == fallbackPass
                    && !(fallbackPass && groupFound[clause.group])
                    && clause.applies(to: field.name, defaultFields: defaultFields) {
                    for range in field.occurrences(of: clause.keys, slop: clause.slop) {
                        matches[fieldIndex].append(FieldMatch(start: range.start, end: range.end, clause: clause.group,
                                                              isWeak: fallbackPass, isPhrase: clause.isPhrase))
                        if !fallbackPass { groupFound[clause.group] = true }
                    }
                }
            }
        }
        for index in matches.indices {
            matches[index].sort { ($0.start, -$0.end) < ($1.start, -$1.end) }
        }
        return matches
    }

    /// The candidate window anchored at `matches[anchor]`.
    private func window(field fieldIndex: Int, in field: SnippetField, matches: [FieldMatch], anchor: Int,
                        seen: inout [Int]) -> Candidate {
        let bytes = field.bytes
        let tokens = field.boundaries
        var first = firstBoundary(atOrAfter: matches[anchor].start, in: tokens)
        var last = max(first, lastBoundary(before: matches[anchor].end, in: tokens))
        var used = TextMeasure.visibleLength(bytes, from: tokens[first].start, to: tokens[last].end)
        // Take in the following matches of the same line while they fit, keeping a sixth for context before.
        for next in matches[(anchor + 1)...] where next.end > tokens[last].end {
            let nextLast = max(last, lastBoundary(before: next.end, in: tokens))
            let extra = TextMeasure.visibleLength(bytes, from: tokens[last].end, to: tokens[nextLast].end)
            if used + extra > length - length / 6
                || TextMeasure.containsLineBreak(bytes, from: tokens[last].end, to: tokens[nextLast].start) { break }
            last = nextLast
            used += extra
        }
        // Context: a third of the room before, the rest after, then whatever is left before again.
        extendBackward(&first, used: &used, budget: max(0, length - used) / 3, field: field)
        while last + 1 < tokens.count,
              !TextMeasure.containsLineBreak(bytes, from: tokens[last].end, to: tokens[last + 1].start) {
            let extra = TextMeasure.visibleLength(bytes, from: tokens[last].end, to: tokens[last + 1].end)
            if used + extra > length { break }
            last += 1
            used += extra
        }
        extendBackward(&first, used: &used, budget: max(0, length - used), field: field)
        reachLineStart(&first, budget: max(0, length - used), field: field)
        let start = widenStart(tokens[first].start, previousEnd: first > 0 ? tokens[first - 1].end : 0, bytes: bytes)
        let end = widenEnd(tokens[last].end, nextStart: last + 1 < tokens.count ? tokens[last + 1].start : bytes.count,
                           bytes: bytes)
        return Candidate(field: fieldIndex, start: start, end: end,
                         score: score(matches, from: start, to: end, anchor: anchor, bytes: bytes, seen: &seen))
    }

    /// Moves `first` back token by token while the added characters fit in `budget`, stopping at a
    /// sentence start.
    private func extendBackward(_ first: inout Int, used: inout Int, budget: Int, field: SnippetField) {
        let tokens = field.boundaries
        var budget = budget
        while first > 0 {
            if TextMeasure.endsSentence(field.bytes, from: tokens[first - 1].end, to: tokens[first].start) { return }
            let extra = TextMeasure.visibleLength(field.bytes, from: tokens[first - 1].start, to: tokens[first].start)
            guard extra <= budget else { return }
            first -= 1
            used += extra
            budget -= extra
        }
    }

    /// Moves `first` to the first token of its line when all of them fit in `budget` (a short title such as
    /// `6.5. Lệnh …` is then shown whole, although `6.5.` looks like the end of a sentence).
    private func reachLineStart(_ first: inout Int, budget: Int, field: SnippetField) {
        let tokens = field.boundaries
        var candidate = first
        var cost = 0
        while candidate > 0,
              !TextMeasure.containsLineBreak(field.bytes, from: tokens[candidate - 1].end, to: tokens[candidate].start) {
            cost += TextMeasure.visibleLength(field.bytes, from: tokens[candidate - 1].start, to: tokens[candidate].start)
            if cost > budget { return }
            candidate -= 1
        }
        first = candidate
    }

    /// Includes what is glued to the first token up to the whitespace before it (an opening quote or
    /// bracket, emoji), if that is at most `maxGlued` scalars and holds no other token.
    private func widenStart(_ start: Int, previousEnd: Int, bytes: [UInt8]) -> Int {
        var position = start
        var scalars = 0
        while position > previousEnd, scalars < Self.maxGlued, !TextMeasure.isSpace(bytes[position - 1]) {
            position -= 1
            while position > previousEnd, bytes[position] & 0xC0 == 0x80 { position -= 1 }
            scalars += 1
        }
        let atBoundary = position == 0 || TextMeasure.isSpace(bytes[position - 1])
        return atBoundary && position >= previousEnd ? position : start
    }

    /// Includes what is glued to the last token up to the whitespace after it (a comma, a full stop, a
    /// closing quote), under the same conditions.
    private func widenEnd(_ end: Int, nextStart: Int, bytes: [UInt8]) -> Int {
        var position = end
        var scalars = 0
        while position < nextStart, scalars < Self.maxGlued, !TextMeasure.isSpace(bytes[position]) {
            position += 1
            while position < nextStart, bytes[position] & 0xC0 == 0x80 { position += 1 }
            scalars += 1
        }
        let atBoundary = position == bytes.count || TextMeasure.isSpace(bytes[position])
        return atBoundary && position <= nextStart ? position : end
    }

    /// Scalars of punctuation or symbols a fragment edge may be widened over.
    static let maxGlued = 8

    /// Distinct exact clauses dominate, then distinct fallback clauses, then phrases (quoted, or consecutive
    /// query words found side by side, as `.vietnamese` ranking rewards them), then the match count.
    /// `seen[clause]` holds the anchor that last counted the clause (no set allocated per window).
    private func score(_ matches: [FieldMatch], from start: Int, to end: Int, anchor: Int, bytes: [UInt8],
                       seen: inout [Int]) -> Int {
        var exact = 0
        var weak = 0
        var phrases = 0
        var total = 0
        var previous: FieldMatch?
        var index = anchor
        while index > 0, matches[index - 1].start >= start { index -= 1 }
        while index < matches.count, matches[index].start < end {
            let match = matches[index]
            index += 1
            guard match.end <= end else { continue }
            if seen[match.clause] != anchor {
                seen[match.clause] = anchor
                if match.isWeak { weak += 1 } else { exact += 1 }
            }
            if match.isPhrase {
                phrases += 1
            } else if let previous, previous.clause + 1 == match.clause, previous.end < match.start,
                      bytes[previous.end..<match.start].allSatisfy(TextMeasure.isSpace) {
                phrases += 1
            }
            previous = match
            total += 1
        }
        return exact * 1_000_000 + weak * 10_000 + min(phrases, 9) * 1_000 + min(total, 999)
    }

    private func makeSnippet(_ field: SnippetField, start: Int, end: Int, matches: [FieldMatch]) -> Snippet {
        var merged: [(start: Int, end: Int)] = []
        for match in matches where match.start >= start && match.end <= end {
            if let lastRange = merged.last, match.start < lastRange.end {
                merged[merged.count - 1].end = max(lastRange.end, match.end)
            } else {
                merged.append((match.start, match.end))
            }
        }
        let bytes = field.bytes
        var characters: [(start: Int, end: Int)] = []
        var scalarsBefore = 0
        var scanned = start
        for range in merged {
            scalarsBefore += TextMeasure.scalarCount(bytes, from: scanned, to: range.start)
            let width = TextMeasure.scalarCount(bytes, from: range.start, to: range.end)
            characters.append((scalarsBefore, scalarsBefore + width))
            scalarsBefore += width
            scanned = range.end
        }
        return Snippet(field: field.name, text: String(decoding: bytes[start..<end], as: UTF8.self),
                       highlights: merged.map { ($0.start - start, $0.end - start) },
                       characterHighlights: characters, byteOffset: start,
                       startsAtFieldStart: start == 0 || field.bytes[..<start].allSatisfy(TextMeasure.isSpace),
                       endsAtFieldEnd: end == bytes.count || field.bytes[end...].allSatisfy(TextMeasure.isSpace))
    }

    /// No match anywhere: the beginning of the longest field, so the hit still shows some text.
    private func leadingSnippet(of fields: [SnippetField]) -> [Snippet] {
        guard let field = fields.filter({ !$0.boundaries.isEmpty }).max(by: { $0.bytes.count < $1.bytes.count })
        else { return [] }
        let tokens = field.boundaries
        var last = 0
        var used = TextMeasure.visibleLength(field.bytes, from: tokens[0].start, to: tokens[0].end)
        while last + 1 < tokens.count {
            let extra = TextMeasure.visibleLength(field.bytes, from: tokens[last].end, to: tokens[last + 1].end)
            if used + extra > length { break }
            last += 1
            used += extra
        }
        let start = widenStart(tokens[0].start, previousEnd: 0, bytes: field.bytes)
        let end = widenEnd(tokens[last].end, nextStart: last + 1 < tokens.count ? tokens[last + 1].start : field.bytes.count,
                           bytes: field.bytes)
        return [makeSnippet(field, start: start, end: end, matches: [])]
    }

    private func firstBoundary(atOrAfter byte: Int, in tokens: [(start: Int, end: Int)]) -> Int {
        var low = 0, high = tokens.count
        while low < high {
            let mid = (low + high) / 2
            if tokens[mid].start < byte { low = mid + 1 } else { high = mid }
        }
        return min(low, tokens.count - 1)
    }

    /// The last token starting before `byte` (0 if none does).
    private func lastBoundary(before byte: Int, in tokens: [(start: Int, end: Int)]) -> Int {
        var low = 0, high = tokens.count
        while low < high {
            let mid = (low + high) / 2
            if tokens[mid].start < byte { low = mid + 1 } else { high = mid }
        }
        return max(0, low - 1)
    }
}

extension SnippetGenerator {
    /// The generator `options` ask for, or nil when no snippets are wanted. It marks what `analyzed` (the
    /// query as the engine ran it) matches; without it, `query` is parsed and analysed again (the engine
    /// has already accepted it, so this cannot fail on syntax).
    init?(query: String, analyzed: AnalyzedQuery?, options: SearchOptions) throws {
        guard options.snippets >= 0 else {
            throw VietSearchError.invalidArgument("snippets must be >= 0 (got \(options.snippets))")
        }
        guard options.snippetLength >= 1 else {
            throw VietSearchError.invalidArgument("snippet length must be >= 1 (got \(options.snippetLength))")
        }
        if let fields = options.snippetFields, fields.contains(where: \.isEmpty) {
            throw VietSearchError.invalidArgument("snippet field names must not be empty")
        }
        guard options.snippets > 0 else { return nil }
        let typed = QueryAnalyzer().analyze(try QueryParser(defaultOperator: options.defaultOperator == .and ? .and : .or)
            .parse(query))
        self.init(query: HighlightQuery(analyzed ?? typed, typed: typed), defaultFields: options.fields.map(\.field),
                  snippetFields: options.snippetFields, count: options.snippets, length: options.snippetLength)
    }
}
