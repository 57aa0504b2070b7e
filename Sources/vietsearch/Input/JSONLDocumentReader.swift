import VietSearch

/// Reads `.jsonl` input: one JSON object per line with a string `"id"` and string fields (`"title"`,
/// `"body"` and any others, all indexed); blank lines are skipped. Any other line is an error naming
/// the source and line.
final class JSONLDocumentReader: DocumentReader {
    private let lines: LineReader
    private var parser = JSONLObjectParser()

    init(lines: LineReader) {
        self.lines = lines
    }

    var bytesConsumed: Int { lines.bytesConsumed }

    func next() throws -> SourcedDocument? {
        while let line = try lines.next() {
            if line.bytes.allSatisfy(Self.isJSONWhitespace) { continue }
            let document = try decode(line)
            return SourcedDocument(document: document, source: lines.source, line: line.number)
        }
        return nil
    }

    private func decode(_ line: LineReader.Line) throws -> Document {
        let parsed: JSONLObjectParser.Parsed
        do {
            parsed = try line.bytes.withUnsafeBufferPointer { bytes throws(JSONLObjectParser.SyntaxError) in
                try parser.parse(bytes)
            }
        } catch {
            // Invalid UTF-8 is reported as such wherever it is (also where JSON syntax fails first).
            try checkUTF8(line)
            throw invalidInput(line, "invalid JSON at byte offset \(line.offset + error.offset): \(error.message)")
        }
        guard case .object(let members) = parsed else {
            try checkUTF8(line)
            throw invalidInput(line, "expected a JSON object")
        }
        // Every string of a document was validated as it was parsed, and bytes outside strings must be
        // ASCII; the whole line is checked only on the way to an error, which invalid UTF-8 then replaces.
        do {
            return try document(from: members, line)
        } catch {
            try checkUTF8(line)
            throw error
        }
    }

    /// The document of an object's members: `id` and every other member as a string field (title,
    /// body, then the rest by name, so stored field order does not depend on input order). A name given
    /// twice keeps its first value and the later ones are ignored (as `JSONDecoder` did).
    private func document(from members: [JSONLObjectParser.Member], _ line: LineReader.Line) throws -> Document {
        guard let idIndex = members.firstIndex(where: { $0.name == "id" }) else { throw invalidInput(line, "missing \"id\"") }
        guard let id = members[idIndex].value else { throw invalidInput(line, "\"id\" must be a string") }
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(members.count - 1)
        var notStrings: [String] = []
        let names = FirstNames(members)
        for (index, member) in members.enumerated() where member.name != "id" && names.isFirst(index) {
            if let value = member.value { fields.append((member.name, value)) } else { notStrings.append(member.name) }
        }
        if let bad = notStrings.min(by: Self.fieldOrder) { throw invalidInput(line, "\"\(bad)\" must be a string") }
        fields.sort { Self.fieldOrder($0.name, $1.name) }
        return Document(id: id, fields: fields)
    }

    private func checkUTF8(_ line: LineReader.Line) throws {
        let validation = line.bytes.withUnsafeBufferPointer { StrictUTF8.decode($0) }
        if case .failure(let invalid) = validation {
            throw invalidInput(line, "invalid UTF-8 at byte offset \(line.offset + invalid.offset)")
        }
    }

    /// title and body first (the default searched fields), then the rest by name.
    private static func fieldOrder(_ lhs: String, _ rhs: String) -> Bool {
        let rank = { (name: String) -> Int in name == "title" ? 0 : name == "body" ? 1 : 2 }
        return (rank(lhs), lhs) < (rank(rhs), rhs)
    }

    private func invalidInput(_ line: LineReader.Line, _ message: String) -> VietSearchError {
        .invalidInput(source: lines.source, line: line.number, message: message)
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }
}

/// Which members of a line are the first with their name. A line has a handful of members, so names
/// are compared pairwise, which is cheaper than hashing every name of every line into a dictionary
/// (`Hasher` was ~4% of the reading thread's samples on the harness corpus); a line with more members
/// than `pairwiseLimit` uses a dictionary (quadratic work on thousands of members would be a slowdown
/// any input could cause).
private struct FirstNames {
    static let pairwiseLimit = 16

    private let members: [JSONLObjectParser.Member]
    /// The first index of each name, for lines with many members.
    private let firstIndex: [String: Int]?

    init(_ members: [JSONLObjectParser.Member]) {
        self.members = members
        guard members.count > Self.pairwiseLimit else {
            firstIndex = nil
            return
        }
        var first: [String: Int] = [:]
        for (index, member) in members.enumerated() where first[member.name] == nil { first[member.name] = index }
        firstIndex = first
    }

    /// Whether no member before `index` has the name of the member at `index`.
    func isFirst(_ index: Int) -> Bool {
        let name = members[index].name
        if let firstIndex { return firstIndex[name] == index }
        for earlier in 0..<index where members[earlier].name == name { return false }
        return true
    }
}
