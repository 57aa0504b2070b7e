import VietSearch

/// A document read from an input, with where it came from, so errors can name the file and line.
struct SourcedDocument {
    var document: Document
    /// The input's name as the user gave it ("-" for standard input).
    var source: String
    /// 1-based line for JSONL input; 0 for a `.txt` file (the whole file is the document).
    var line: Int
}

/// Something that yields documents one at a time.
protocol DocumentReader: AnyObject {
    /// The next document, or nil at the end.
    func next() throws -> SourcedDocument?
    /// Input bytes consumed so far (for progress).
    var bytesConsumed: Int { get }
}
