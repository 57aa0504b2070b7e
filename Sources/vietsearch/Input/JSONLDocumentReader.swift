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
        var first: [String: Int] = [:]
        for (index, member) in members.enumerated() where first[member.name] == nil { first[member.name] = index }
        guard let idIndex = first["id"] else { throw invalidInput(line, "missing \"id\"") }
        guard let id = members[idIndex].value else { throw invalidInput(line, "\"id\" must be a string") }
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(first.count - 1)
        var notStrings: [String] = []
        for (index, member) in members.enumerated() where member.name != "id" && first[member.name] == index {
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
