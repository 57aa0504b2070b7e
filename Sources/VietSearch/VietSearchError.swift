/// Every error VietSearch reports. Each case carries where the problem is: a file and byte offset,
/// an input source and line, or a query column.
public enum VietSearchError: Error, Equatable, Sendable {
    /// Index bytes that do not follow FORMAT.md (`offset` is the byte offset in `file`).
    case corruptIndex(file: String, offset: Int, reason: String)
    /// An index file from an older format version than this build reads.
    case formatTooOld(file: String, version: Int, oldestSupported: Int)
    /// An index file from a newer format version than this build reads.
    case formatTooNew(file: String, version: Int, newestSupported: Int)
    /// A system call failed on `path`.
    case io(path: String, message: String)
    /// Another writer holds the index.
    case locked(path: String, holder: String)
    /// `path` is not a VietSearch index (or does not exist).
    case notAnIndex(path: String)
    /// A query string that does not parse; `column` is 1-based, in characters.
    case queryParse(column: Int, message: String)
    /// Bad input data: `source` is a file name (or "-" for stdin, "document" for the API), `line` 1-based (0 if unknown).
    case invalidInput(source: String, line: Int, message: String)
    /// A document id that is already in the index or earlier in the same batch.
    case duplicateID(id: String, source: String, line: Int)
    /// An option value out of range (e.g. a negative limit, k1 < 0).
    case invalidArgument(String)
    /// A format limit (e.g. more than 255 fields).
    case limitExceeded(String)
}
