/// One term of a score explanation: a clause scored in one field.
public struct ScoreComponent: Sendable, Equatable {
    /// The clause as the user typed it (e.g. `cấp`, `"đảng viên"`).
    public var clause: String
    public var field: String
    /// The key matched (e.g. exact `uỷ` or folded `uy`) and which kind.
    public var key: String
    public var keyKind: String
    public var boost: Double
    public var idf: Double
    public var tf: Double
    public var dl: Double
    public var avgdl: Double
    public var k1: Double
    public var b: Double
    /// boost · idf · tf / (tf + k1·(1 − b + b·dl/avgdl))
    public var score: Double

    public init(clause: String, field: String, key: String, keyKind: String, boost: Double, idf: Double,
                tf: Double, dl: Double, avgdl: Double, k1: Double, b: Double, score: Double) {
        self.clause = clause; self.field = field; self.key = key; self.keyKind = keyKind
        self.boost = boost; self.idf = idf; self.tf = tf; self.dl = dl; self.avgdl = avgdl
        self.k1 = k1; self.b = b; self.score = score
    }
}

/// Why a hit scored what it did: the components sum to the score.
public struct Explanation: Sendable, Equatable {
    public var components: [ScoreComponent]
    public var score: Double
    public init(components: [ScoreComponent], score: Double) {
        self.components = components
        self.score = score
    }
}

/// One ranked result.
public struct SearchHit: Sendable {
    public var id: String
    public var score: Double
    /// Stored fields (without the id), in the order they were added.
    public var fields: [(name: String, value: String)]
    public var explanation: Explanation?
    /// The best fragments of the stored fields with the matches marked, best first; empty unless
    /// `SearchOptions.snippets` > 0.
    public var snippets: [Snippet] = []

    public init(id: String, score: Double, fields: [(name: String, value: String)], explanation: Explanation?) {
        self.id = id
        self.score = score
        self.fields = fields
        self.explanation = explanation
    }

    /// The stored value of field `name`.
    public subscript(name: String) -> String? { fields.first { $0.name == name }?.value }
}

/// Hits best first, ties in index (document) order.
public struct SearchResults: Sendable, RandomAccessCollection {
    /// Number of documents that matched (not only those returned), or a lower bound of it when
    /// `totalHitsIsExact` is false (past `SearchOptions.totalHitsThreshold`).
    public var totalHits: Int
    /// False when `totalHits` is only a lower bound ("at least"): pruning skipped matches.
    public var totalHitsIsExact: Bool = true
    public var hits: [SearchHit]
    /// The query with its marks restored from the index's statistics (`dang vien` → `đảng viên`), when it
    /// was typed (partly) without marks and a restoration differs from it; nil otherwise.
    public var suggestion: String?

    public init(totalHits: Int, hits: [SearchHit], suggestion: String? = nil) {
        self.totalHits = totalHits
        self.hits = hits
        self.suggestion = suggestion
    }

    public var startIndex: Int { hits.startIndex }
    public var endIndex: Int { hits.endIndex }
    public subscript(position: Int) -> SearchHit { hits[position] }
}
