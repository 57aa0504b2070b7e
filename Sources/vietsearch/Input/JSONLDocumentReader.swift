import Foundation
import VietSearch

/// Reads `.jsonl` input: one JSON object per line with a string `"id"` and string fields (`"title"`,
/// `"body"` and any others, all indexed); blank lines are skipped. Any other line is an error naming
/// the source and line.
final class JSONLDocumentReader: DocumentReader {
    private let lines: LineReader
    private let decoder = JSONDecoder()

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
        let validation = line.bytes.withUnsafeBufferPointer { StrictUTF8.decode($0) }
        if case .failure(let invalid) = validation {
            throw invalidInput(line, "invalid UTF-8 at byte offset \(line.offset + invalid.offset)")
        }
        do {
            let record = try decoder.decode(JSONLRecord.self, from: Data(line.bytes))
            return Document(id: record.id, fields: record.fields)
        } catch let error as JSONLRecord.Problem {
            throw invalidInput(line, error.message)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw invalidInput(line, "expected a JSON object")
        } catch let error as DecodingError {
            throw invalidInput(line, "invalid JSON: " + Self.describe(error))
        }
    }

    private func invalidInput(_ line: LineReader.Line, _ message: String) -> VietSearchError {
        .invalidInput(source: lines.source, line: line.number, message: message)
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// The parser's own explanation (it names the column) when there is one.
    private static func describe(_ error: DecodingError) -> String {
        guard case .dataCorrupted(let context) = error else { return String(describing: error) }
        if let underlying = context.underlyingError as NSError?,
           let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
            return detail
        }
        return context.debugDescription
    }
}

/// One JSONL line: the id and every other member as a string field (title, body, then the rest by name).
private struct JSONLRecord: Decodable {
    var id: String
    var fields: [(name: String, value: String)]

    /// A line that is JSON but not a valid document.
    struct Problem: Error {
        var message: String
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let idKey = Key(stringValue: "id")
        guard container.contains(idKey) else { throw Problem(message: "missing \"id\"") }
        id = try Self.string(in: container, for: idKey)
        let names = container.allKeys.map(\.stringValue).filter { $0 != "id" }.sorted(by: Self.fieldOrder)
        fields = try names.map { name in (name, try Self.string(in: container, for: Key(stringValue: name))) }
    }

    private static func string(in container: KeyedDecodingContainer<Key>, for key: Key) throws -> String {
        do {
            return try container.decode(String.self, forKey: key)
        } catch DecodingError.typeMismatch, DecodingError.valueNotFound {
            throw Problem(message: "\"\(key.stringValue)\" must be a string")
        }
    }

    /// title and body first (the default searched fields), then the rest by name, so stored field
    /// order does not depend on hashing.
    private static func fieldOrder(_ lhs: String, _ rhs: String) -> Bool {
        let rank = { (name: String) -> Int in name == "title" ? 0 : name == "body" ? 1 : 2 }
        return (rank(lhs), lhs) < (rank(rhs), rhs)
    }
}
