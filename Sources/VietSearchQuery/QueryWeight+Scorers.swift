import VietSearchStorage

/// Per-segment scorers of the general shapes (any boolean tree of keys and phrases); the key-only and
/// conjunctive fast paths build their leaves in `QueryWeight+TermLeaves` and `conjunctiveParts`.
extension QueryWeight {
    /// The scorer of `query` in segment `index`; nil when nothing can match there.
    func makeScorer(_ query: BoundQuery, segment index: Int) throws -> (any DocScorer)? {
        switch query {
        case .nothing:
            return nil
        case .keys(let keys):
            return Self.disjunction(try keyScorers(keys, segment: index))
        case .phrases(let phrases):
            return Self.disjunction(try phraseScorers(phrases, segment: index))
        case .boolean(let must, let should, let mustNot):
            var required: [any DocScorer] = []
            for clause in must {
                guard let scorer = try makeScorer(clause, segment: index) else { return nil }
                required.append(scorer)
            }
            let optional = try should.compactMap { try makeScorer($0, segment: index) }
            let excluded = try mustNot.compactMap { try makeScorer($0, segment: index) }
            if required.isEmpty {
                guard let anyOptional = Self.disjunction(optional) else { return nil }
                return excluded.isEmpty ? anyOptional
                    : try BooleanScorer(required: anyOptional, optional: [], excluded: excluded)
            }
            let conjunction: any DocScorer = required.count == 1 ? required[0] : try ConjunctionScorer(required)
            if optional.isEmpty && excluded.isEmpty { return conjunction }
            return try BooleanScorer(required: conjunction, optional: optional, excluded: excluded)
        }
    }

    func keyScorers(_ keys: [BoundKey], segment index: Int) throws -> [any DocScorer] {
        var scorers: [any DocScorer] = []
        for key in keys {
            guard let info = key.infos[index], let number = fieldNumber(key.scoring.fieldName, index) else { continue }
            var scoring = key.scoring
            scoring.fieldNumber = number
            scorers.append(try TermScorer(reader: segments[index], info: info, scoring: scoring))
        }
        return scorers
    }

    func phraseScorers(_ phrases: [BoundPhrase], segment index: Int,
                               twoPhase: Bool = false) throws -> [any DocScorer] {
        var scorers: [any DocScorer] = []
        for phrase in phrases {
            guard let infos = phrase.infos[index], let number = fieldNumber(phrase.scoring.fieldName, index) else {
                continue
            }
            var scoring = phrase.scoring
            scoring.fieldNumber = number
            scorers.append(try PhraseScorer(reader: segments[index], infos: infos, slop: phrase.slop, scoring: scoring,
                                          twoPhase: twoPhase))
        }
        return scorers
    }

    static func disjunction(_ scorers: [any DocScorer]) -> (any DocScorer)? {
        switch scorers.count {
        case 0: return nil
        case 1: return scorers[0]
        case ...DisjunctionScorer.linearLimit: return DisjunctionScorer(scorers)
        default: return WideDisjunctionScorer(scorers)
        }
    }
}
