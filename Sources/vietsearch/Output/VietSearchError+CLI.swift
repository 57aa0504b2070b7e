import VietSearch

extension VietSearchError {
    /// The one-line message the CLI prints after `error: `; it always says where the problem is
    /// (file and byte offset, input and line, or query column).
    var cliMessage: String {
        switch self {
        case .corruptIndex(let file, let offset, let reason):
            return "\(file): corrupt index at byte offset \(offset): \(reason)"
        case .formatTooOld(let file, let version, let oldest):
            return "\(file): format version \(version) is too old (this build reads \(oldest) and newer): rebuild the index from its source documents"
        case .formatTooNew(let file, let version, let newest):
            return "\(file): format version \(version) is too new (this build reads up to \(newest))"
        case .io(let path, let message):
            return path.isEmpty ? message : "\(path): \(message)"
        case .locked(let path, let holder):
            return "\(path): index is locked by another writer (\(holder))"
        case .notAnIndex(let path):
            return "\(path): not a VietSearch index"
        case .queryParse(let column, let message):
            return "query: column \(column): \(message)"
        case .invalidInput(let source, let line, let message):
            return "\(Self.location(source, line)): \(message)"
        case .duplicateID(let id, let source, let line):
            return "\(Self.location(source, line)): duplicate id \"\(id)\""
        case .invalidArgument(let message):
            return message
        case .limitExceeded(let message):
            return "limit exceeded: \(message)"
        }
    }

    /// `file:line`, or just `file` when the line is unknown (0).
    private static func location(_ source: String, _ line: Int) -> String {
        line > 0 ? "\(source):\(line)" : source
    }
}

extension VietSearchError {
    /// The same error pointing at the input line the document came from (the writer does not know it).
    func located(in source: String, line: Int) -> VietSearchError {
        switch self {
        case .duplicateID(let id, _, _):
            return .duplicateID(id: id, source: source, line: line)
        case .invalidInput(_, _, let message):
            return .invalidInput(source: source, line: line, message: message)
        case .limitExceeded(let message):
            return .invalidInput(source: source, line: line, message: "limit exceeded: \(message)")
        default:
            return self
        }
    }
}
