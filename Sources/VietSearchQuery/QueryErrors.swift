/// A query string the engine refuses, with the 1-based column (in characters) of the problem.
package struct QueryParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based column in characters (grapheme clusters) of the query string.
    package var column: Int
    package var message: String

    package init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    package var description: String { "column \(column): \(message)" }
}

/// A query that parses but would exceed a work limit (`QueryLimits`) when bound to the index.
package struct QueryLimitError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
