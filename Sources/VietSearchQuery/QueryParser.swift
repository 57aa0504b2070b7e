/// How adjacent clauses without an explicit `AND`/`OR` combine.
package enum DefaultOperator: Sendable, Equatable {
    case or, and
}

/// Parses the query syntax into a `QueryNode` tree.
///
/// Grammar (Lucene classic syntax, with real precedence: `AND` binds tighter than `OR`):
/// ```
/// query    := sequence EOF
/// sequence := clause ((AND | OR | <nothing>) clause)*      <nothing> = the default operator
/// clause   := (NOT | '+' | '-')? primary
/// primary  := '(' sequence ')' | field? ( word | word'*' | '"' text '"' ('~' digits)? | '(' sequence ')' )
/// field    := name ':'                                     name = ASCII letter (letter | digit | _ | -)*
/// ```
/// Keywords are uppercase only: lowercase `and`/`or`/`not` are words. A `+`/`-` modifies the clause only
/// at its start (`QS-QP` is one word); a lone `+`/`-` is an error. Typographic quotes `“…”` also make a
/// phrase when the closing `”` is there. There is no escape character, and a
/// `name:` inside a word is a field only when `name` looks like one (so `10:30` stays a word).
/// Clauses joined by `AND` form a group whose members are all required (`-x`/`NOT x` excluded);
/// groups joined by `OR` are optional alternatives. A group of one keeps its own modifier.
package struct QueryParser {
    package var defaultOperator: DefaultOperator

    package init(defaultOperator: DefaultOperator = .or) {
        self.defaultOperator = defaultOperator
    }

    /// Parses `query`, throwing `QueryParseError` (with its column) for malformed input or a limit.
    package func parse(_ query: String) throws -> QueryNode {
        // A string has no more scalars than UTF-8 bytes, and its byte count is stored: most queries skip the
        // scalar count (a walk of the string, ~550 instructions for a two-word query, callgrind).
        if query.utf8.count > QueryLimits.maxQueryLength, query.unicodeScalars.count > QueryLimits.maxQueryLength,
           query.count > QueryLimits.maxQueryLength {
            throw QueryParseError(column: QueryLimits.maxQueryLength + 1,
                                  message: "query is longer than \(QueryLimits.maxQueryLength) characters")
        }
        var lexer = QueryLexer(query)
        let lexemes = try lexer.tokenize()
        var state = ParseState(lexemes: lexemes, lexer: lexer, defaultOperator: defaultOperator)
        let node = try state.parseSequence(depth: 0, field: nil)
        if let extra = state.peek {
            // Only a stray ')' can stop a top-level sequence early.
            throw lexer.error(at: extra.offset, "unbalanced ')': no '(' opens it")
        }
        return node
    }
}

/// The mutable cursor over lexemes used while parsing one query.
private struct ParseState {
    let lexemes: [QueryLexeme]
    let lexer: QueryLexer
    let defaultOperator: DefaultOperator
    var position = 0
    var clauseCount = 0

    init(lexemes: [QueryLexeme], lexer: QueryLexer, defaultOperator: DefaultOperator) {
        self.lexemes = lexemes
        self.lexer = lexer
        self.defaultOperator = defaultOperator
    }

    var peek: QueryLexeme? { position < lexemes.count ? lexemes[position] : nil }

    private struct Item {
        var modifier: Occur?
        var node: QueryNode
    }

    mutating func parseSequence(depth: Int, field: String?) throws -> QueryNode {
        // `groups` are OR-separated; each group is a list of AND-connected items.
        var groups: [[Item]] = []
        var current: [Item] = []
        while let lexeme = peek, lexeme.kind != .closeParen {
            var joinWithAnd = defaultOperator == .and
            if lexeme.kind == .and || lexeme.kind == .or {
                let name = lexeme.kind == .and ? "AND" : "OR"
                guard !current.isEmpty else {
                    throw lexer.error(at: lexeme.offset, "'\(name)' needs a clause before it")
                }
                joinWithAnd = lexeme.kind == .and
                position += 1
                guard let next = peek, next.kind != .closeParen, next.kind != .and, next.kind != .or else {
                    throw lexer.error(at: lexeme.offset, "'\(name)' needs a clause after it")
                }
            }
            let item = try parseClause(depth: depth, field: field)
            if !current.isEmpty && !joinWithAnd {
                // Room for a few groups at once: growing 1 → 2 (`a OR b`) cost a reallocation.
                if groups.isEmpty { groups.reserveCapacity(4) }
                groups.append(current)
                current = []
            }
            current.append(item)
        }
        if !current.isEmpty { groups.append(current) }
        return Self.combine(groups)
    }

    /// Builds the boolean tree: AND-groups become nested all-required booleans, OR joins groups.
    private static func combine(_ groups: [[Item]]) -> QueryNode {
        func andGroup(_ items: [Item]) -> [QueryClause] {
            items.map { QueryClause($0.modifier == .mustNot ? .mustNot : .must, $0.node) }
        }
        if groups.count == 1, groups[0].count > 1 {
            return simplified(.boolean(andGroup(groups[0])))
        }
        let clauses = groups.map { items -> QueryClause in
            if items.count == 1 { return QueryClause(items[0].modifier ?? .should, items[0].node) }
            return QueryClause(.should, .boolean(andGroup(items)))
        }
        return simplified(.boolean(clauses))
    }

    /// A boolean of one positive clause is that clause.
    private static func simplified(_ node: QueryNode) -> QueryNode {
        if case .boolean(let clauses) = node, clauses.count == 1, clauses[0].occur != .mustNot {
            return clauses[0].node
        }
        return node
    }

    private mutating func parseClause(depth: Int, field: String?) throws -> Item {
        guard let lexeme = peek else { return Item(modifier: nil, node: .boolean([])) }
        var modifier: Occur?
        switch lexeme.kind {
        case .not: modifier = .mustNot
        case .plus: modifier = .must
        case .minus: modifier = .mustNot
        default: break
        }
        if modifier != nil {
            position += 1
            guard let next = peek, next.kind != .closeParen, next.kind != .and, next.kind != .or,
                  next.kind != .not, next.kind != .plus, next.kind != .minus else {
                throw lexer.error(at: lexeme.offset, "'\(Self.spelling(lexeme.kind))' needs a clause after it")
            }
        }
        return Item(modifier: modifier, node: try parsePrimary(depth: depth, field: field))
    }

    private mutating func parsePrimary(depth: Int, field: String?) throws -> QueryNode {
        guard let lexeme = peek else { throw lexer.error(at: lexemes.last?.offset ?? 0, "unexpected end of query") }
        position += 1
        clauseCount += 1
        if clauseCount > QueryLimits.maxClauses {
            throw lexer.error(at: lexeme.offset, "more than \(QueryLimits.maxClauses) clauses")
        }
        switch lexeme.kind {
        case .openParen:
            guard depth < QueryLimits.maxNesting else {
                throw lexer.error(at: lexeme.offset, "parentheses nested deeper than \(QueryLimits.maxNesting)")
            }
            let inner = try parseSequence(depth: depth + 1, field: field)
            guard let close = peek, close.kind == .closeParen else {
                throw lexer.error(at: lexeme.offset, "unbalanced '(': it is never closed")
            }
            position += 1
            if case .boolean(let clauses) = inner, clauses.isEmpty {
                throw lexer.error(at: lexeme.offset, "empty parentheses")
            }
            return inner
        case .field(let name):
            guard let next = peek else { throw lexer.error(at: lexeme.offset, "field '\(name)' needs a term") }
            switch next.kind {
            case .word, .phrase, .openParen:
                clauseCount -= 1  // the field and its target are one clause
                return try parsePrimary(depth: depth, field: name)
            default:
                throw lexer.error(at: next.offset, "field '\(name)' must be followed by a term, phrase or group")
            }
        case .word(let text):
            // `*` is ASCII: the last scalar is one exactly when the last UTF-8 byte is (a byte read, where
            // the scalar view decoded backwards, ~150 instructions a word, callgrind).
            if text.utf8.last == UInt8(ascii: "*") {
                let stem = String(text.unicodeScalars.dropLast())
                guard !stem.isEmpty, stem.unicodeScalars.last != "*" else {
                    throw lexer.error(at: lexeme.offset, "a prefix query needs at least one character before '*'")
                }
                return .prefix(field: field, text: stem)
            }
            return .term(field: field, text: text)
        case .phrase(let text, let slop):
            return .phrase(field: field, text: text, slop: slop)
        case .closeParen, .and, .or, .not, .plus, .minus:
            throw lexer.error(at: lexeme.offset, "unexpected '\(Self.spelling(lexeme.kind))'")
        }
    }

    private static func spelling(_ kind: QueryLexeme.Kind) -> String {
        switch kind {
        case .and: return "AND"
        case .or: return "OR"
        case .not: return "NOT"
        case .plus: return "+"
        case .minus: return "-"
        case .openParen: return "("
        case .closeParen: return ")"
        case .word(let text): return text
        case .phrase(let text, _): return "\"" + text + "\""
        case .field(let name): return name + ":"
        }
    }
}
