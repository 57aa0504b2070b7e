/// One lexical unit of a query string. `offset` is its index in the query's Unicode scalars.
struct QueryLexeme: Equatable {
    enum Kind: Equatable {
        case word(String)
        /// `"..."`, with the slop after `~` if any.
        case phrase(String, slop: Int)
        /// `name:` directly followed by a word, phrase or group.
        case field(String)
        case openParen, closeParen
        case and, or, not
        /// `+` or `-` glued to the clause that follows.
        case plus, minus
    }

    var kind: Kind
    var offset: Int
}

/// Splits a query string into lexemes. Works on Unicode scalars; columns are computed only for errors.
struct QueryLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    /// Set right after a `field:` so that `a:b:c` reads as field `a`, word `b:c`.
    private var afterField = false

    init(_ query: String) {
        // Room for the UTF-8 byte count (an upper bound of the scalars, known without a walk), then one
        // pass: `Array(query.unicodeScalars)` counted the scalars in a first walk (~1k instructions for a
        // two-word query, callgrind).
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(query.utf8.count)
        for scalar in query.unicodeScalars { scalars.append(scalar) }
        self.scalars = scalars
    }

    /// The 1-based character column of scalar offset `offset`.
    func column(ofScalar offset: Int) -> Int {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[0..<min(offset, scalars.count)])
        return String(view).count + 1
    }

    func error(at offset: Int, _ message: String) -> QueryParseError {
        QueryParseError(column: column(ofScalar: offset), message: message)
    }

    mutating func tokenize() throws -> [QueryLexeme] {
        var lexemes: [QueryLexeme] = []
        // Room for `a OR b` at once (the array regrew twice for it, ~700 instructions, callgrind).
        lexemes.reserveCapacity(4)
        while true {
            skipWhitespace()
            guard index < scalars.count else { break }
            let start = index
            let scalar = scalars[index]
            let wasAfterField = afterField
            afterField = false
            switch scalar {
            case "(":
                index += 1
                lexemes.append(QueryLexeme(kind: .openParen, offset: start))
            case ")":
                if wasAfterField { throw error(at: start, "a field name must be followed by a term, phrase or group") }
                index += 1
                lexemes.append(QueryLexeme(kind: .closeParen, offset: start))
            case "\"":
                lexemes.append(QueryLexeme(kind: try readPhrase(closing: "\""), offset: start))
            case Self.smartOpen where scalars[(index + 1)...].contains(Self.smartClose):
                // Phones and word processors type “…”; a stray “ without its ” stays an ordinary character.
                lexemes.append(QueryLexeme(kind: try readPhrase(closing: Self.smartClose), offset: start))
            case "+", "-":
                guard !wasAfterField else {
                    lexemes.append(QueryLexeme(kind: try readWord(allowField: false), offset: start))
                    continue
                }
                index += 1
                guard index < scalars.count, !Self.isSeparator(scalars[index]), scalars[index] != ")" else {
                    throw error(at: start, "'\(scalar)' must be directly followed by a clause")
                }
                lexemes.append(QueryLexeme(kind: scalar == "+" ? .plus : .minus, offset: start))
            default:
                lexemes.append(QueryLexeme(kind: try readWord(allowField: !wasAfterField), offset: start))
            }
        }
        return lexemes
    }

    private mutating func skipWhitespace() {
        while index < scalars.count, Self.isWhitespace(scalars[index]) { index += 1 }
    }

    /// Unicode White_Space, answered without the property tables for ASCII (tab to carriage return,
    /// space) and for `LatinLetterBlocks` (no White_Space there): the table lookup (~280 instructions a
    /// scalar) was most of lexing a short query.
    @inline(__always)
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        if LatinLetterBlocks.contains(value) { return false }
        return scalar.properties.isWhitespace
    }

    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        isWhitespace(scalar)
    }

    private static func endsWord(_ scalar: Unicode.Scalar) -> Bool {
        isWhitespace(scalar) || scalar == "(" || scalar == ")" || scalar == "\""
    }

    private static let smartOpen: Unicode.Scalar = "\u{201C}"
    private static let smartClose: Unicode.Scalar = "\u{201D}"

    private mutating func readPhrase(closing: Unicode.Scalar) throws -> QueryLexeme.Kind {
        let open = index
        index += 1
        let textStart = index
        while index < scalars.count, scalars[index] != closing { index += 1 }
        guard index < scalars.count else { throw error(at: open, "unbalanced quote: this phrase is never closed") }
        let text = self.text(textStart..<index)
        index += 1
        var slop = 0
        if index < scalars.count, scalars[index] == "~" {
            let tilde = index
            index += 1
            let digitsStart = index
            while index < scalars.count, scalars[index] >= "0", scalars[index] <= "9" {
                slop = slop * 10 + Int(scalars[index].value - 48)
                index += 1
                if slop > QueryLimits.maxSlop {
                    throw error(at: tilde, "phrase slop is larger than \(QueryLimits.maxSlop)")
                }
            }
            guard index > digitsStart else { throw error(at: tilde, "'~' after a phrase must be followed by a number") }
        }
        if index < scalars.count, !Self.endsWord(scalars[index]) {
            throw error(at: index, "a phrase must be followed by a space, ')' or the end of the query")
        }
        return .phrase(text, slop: slop)
    }

    private mutating func readWord(allowField: Bool) throws -> QueryLexeme.Kind {
        let start = index
        while index < scalars.count, !Self.endsWord(scalars[index]) {
            if allowField, scalars[index] == ":", index > start, isFieldName(start..<index) {
                let name = text(start..<index)
                index += 1
                guard index < scalars.count, !Self.isSeparator(scalars[index]) else {
                    throw error(at: start, "field '\(name)' must be followed by a term, phrase or group")
                }
                afterField = true
                return .field(name)
            }
            index += 1
        }
        // Only a 2- or 3-letter word starting with A, O or N can be an operator: the other words skip the
        // three string comparisons.
        if (2...3).contains(index - start), scalars[start] == "A" || scalars[start] == "O" || scalars[start] == "N" {
            switch text(start..<index) {
            case "AND": return .and
            case "OR": return .or
            case "NOT": return .not
            default: break
            }
        }
        return .word(text(start..<index))
    }

    /// The scalars of `range` as a string, encoded straight into one UTF-8 buffer: appending them to a
    /// `String.UnicodeScalarView` was most of lexing a one-word query (callgrind).
    private func text(_ range: Range<Int>) -> String {
        var length = 0
        for i in range { length += UTF8.width(scalars[i]) }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var written = 0
            for i in range {
                UTF8.encode(scalars[i]) { unit in
                    buffer[written] = unit
                    written += 1
                }
            }
            return written
        }
    }

    /// Field names start with an ASCII letter and continue with ASCII letters, digits, `_` or `-`,
    /// so times like `10:30` stay words.
    private func isFieldName(_ range: Range<Int>) -> Bool {
        guard let first = range.first, Self.isASCIILetter(scalars[first]) else { return false }
        return range.allSatisfy { i in
            let s = scalars[i]
            return Self.isASCIILetter(s) || (s >= "0" && s <= "9") || s == "_" || s == "-"
        }
    }

    private static func isASCIILetter(_ s: Unicode.Scalar) -> Bool {
        (s >= "a" && s <= "z") || (s >= "A" && s <= "Z")
    }
}
