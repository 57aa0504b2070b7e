import VietSearchQuery

/// How bare query terms combine.
public enum BooleanOperator: String, Sendable, CaseIterable {
    case or, and
}

/// The ranking function.
public enum ScoringModel: String, Sendable, CaseIterable {
    /// Lucene's BM25 over exact document lengths, each query token on one key (the v1 formula).
    case bm25
    /// BM25 components with two-level matching (exact keys first, folded keys weighted by
    /// `SearchOptions.foldedWeight`), partial marks and an adjacency bonus (README "Ranking"). The default.
    case vietnamese
}

/// A field searched by default, with its boost.
public struct FieldBoost: Sendable, Equatable {
    public var field: String
    public var boost: Double
    public init(field: String, boost: Double) {
        self.field = field
        self.boost = boost
    }
}

/// Options for one search.
public struct SearchOptions: Sendable {
    /// Maximum number of hits returned (top-k). Must be >= 0.
    public var limit: Int = 10
    /// How bare terms combine.
    public var defaultOperator: BooleanOperator = .or
    /// The ranking function; `.vietnamese` by default (chosen by measurement, README "Measured quality").
    public var scoring: ScoringModel = .vietnamese
    /// `.vietnamese`: weight `w` of the folded key for a token typed with marks (`BM25(exact) + w·BM25(folded)`),
    /// in 0..<1 so an exact match outranks a folded-only one.
    public var foldedWeight: Double = VietnameseWeights.measuredDefault.foldedWeight
    /// `.vietnamese`: boost `a` of the phrase of two adjacent query words (keys as typed); their folded
    /// phrase gets `a · foldedWeight` when a word has marks.
    public var adjacencyWeight: Double = VietnameseWeights.measuredDefault.adjacencyWeight
    /// Offer `SearchResults.suggestion`, the query with marks restored, for queries typed without marks.
    public var suggest: Bool = true
    /// BM25 term-frequency saturation.
    public var k1: Double = 1.2
    /// BM25 length normalisation.
    public var b: Double = 0.75
    /// Fields searched by terms without `field:`; default title (boost 2) and body (boost 1).
    public var fields: [FieldBoost] = [FieldBoost(field: "title", boost: 2), FieldBoost(field: "body", boost: 1)]
    /// Matches are counted exactly up to this many (at least `limit`); past it, top-k pruning may skip
    /// matches, `SearchResults.totalHits` is then a lower bound and `totalHitsIsExact` false (Lucene's
    /// `totalHitsThreshold`). `Int.max` counts every match, which makes every search visit every match.
    /// Must be >= 0.
    public var totalHitsThreshold: Int = 1_000
    /// Attach a score explanation to every hit.
    public var explain: Bool = false
    /// Stored fields returned with each hit (`SearchHit.fields`); nil returns them all. Naming only what is
    /// shown (e.g. `["title"]`) saves decoding long bodies: most of a top-100 search otherwise. An empty
    /// set returns ids only, read from the uncompressed id column (no stored block is decompressed).
    public var fieldsToLoad: Set<String>? = nil
    /// Fragments (`SearchHit.snippets`) to attach to every hit; 0 = none. Must be >= 0.
    public var snippets: Int = 0
    /// Target fragment length in characters (combining marks do not count). Must be >= 1.
    public var snippetLength: Int = 160
    /// Stored fields fragments may come from, in tie-break order; nil = the searched fields, then fields
    /// named in the query (`title:…`).
    public var snippetFields: [String]? = nil

    public init(limit: Int = 10, defaultOperator: BooleanOperator = .or, explain: Bool = false) {
        self.limit = limit
        self.defaultOperator = defaultOperator
        self.explain = explain
    }
}

extension SearchOptions {
    /// The engine's options, after checking every value is in range.
    func validated() throws -> QueryOptions {
        guard limit >= 0 else { throw VietSearchError.invalidArgument("limit must be >= 0 (got \(limit))") }
        guard totalHitsThreshold >= 0 else {
            throw VietSearchError.invalidArgument("totalHitsThreshold must be >= 0 (got \(totalHitsThreshold))")
        }
        guard k1.isFinite, k1 >= 0 else { throw VietSearchError.invalidArgument("k1 must be a finite number >= 0") }
        guard b.isFinite, (0...1).contains(b) else { throw VietSearchError.invalidArgument("b must be between 0 and 1") }
        guard !fields.isEmpty else { throw VietSearchError.invalidArgument("at least one field must be searched") }
        for field in fields where field.field.isEmpty || !field.boost.isFinite || field.boost < 0 {
            throw VietSearchError.invalidArgument("field boosts need a non-empty name and a finite boost >= 0")
        }
        // Pairwise: a handful of fields, checked on every query (a `Set` cost more than the rest of this).
        let listedTwice = fields.indices.contains { i in fields[..<i].contains { $0.field == fields[i].field } }
        guard !listedTwice else {
            throw VietSearchError.invalidArgument("a field is listed twice in the searched fields")
        }
        guard foldedWeight.isFinite, (0..<1).contains(foldedWeight) else {
            throw VietSearchError.invalidArgument("foldedWeight must be >= 0 and < 1 (got \(foldedWeight))")
        }
        guard adjacencyWeight.isFinite, adjacencyWeight >= 0 else {
            throw VietSearchError.invalidArgument("adjacencyWeight must be a finite number >= 0 (got \(adjacencyWeight))")
        }
        var options = QueryOptions(limit: limit, defaultOperator: defaultOperator == .and ? .and : .or,
                                   bm25: BM25(k1: k1, b: b), fields: fields.map { ($0.field, $0.boost) }, explain: explain)
        switch scoring {
        case .bm25:
            options.scoring = .bm25
        case .vietnamese:
            options.scoring = .vietnamese(VietnameseWeights(foldedWeight: foldedWeight, adjacencyWeight: adjacencyWeight))
        }
        options.suggest = suggest
        options.totalHitsThreshold = totalHitsThreshold
        return options
    }
}
