import ArgumentParser
import Foundation
import VietSearch

extension LegacyDecoder.Encoding: ExpressibleByArgument {}

/// `--encoding` and `--replace-invalid` of `vietsearch index`: each input is decoded as a whole (a
/// JSONL file before its lines are parsed) with `LegacyDecoder`, then read as usual.
struct EncodingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Decode inputs from this encoding first: tcvn3, vni, viscii, cp1258, viqr, utf8, utf8-mojibake or auto (detect per file, reported on stderr).",
        valueName: "ENCODING"))
    var encoding: LegacyDecoder.Encoding?

    @Flag(name: .long, help: "With --encoding, replace bytes the encoding cannot decode by U+FFFD instead of failing.")
    var replaceInvalid = false

    func validate() throws {
        if replaceInvalid && encoding == nil {
            throw ValidationError("--replace-invalid needs --encoding.")
        }
    }

    /// A reader for `source`: the plain one without `--encoding`, else one over the decoded text, with
    /// the encoding used.
    func open(_ source: InputSource) throws -> (reader: DocumentReader, chosen: LegacyDecoder.Encoding?) {
        guard let encoding else { return (try source.open(), nil) }
        let bytes = try Self.readAll(source)
        let decoded: (text: String, chosen: LegacyDecoder.Encoding)
        do {
            decoded = try LegacyDecoder.decode(bytes: bytes, encoding: encoding, replaceInvalid: replaceInvalid)
        } catch let error as LegacyDecodingError {
            let line = bytes[..<min(error.byteOffset, bytes.count)].lazy.filter { $0 == UInt8(ascii: "\n") }.count + 1
            throw VietSearchError.invalidInput(source: source.name, line: line, message: "\(error)")
        }
        let text = Array(decoded.text.utf8)
        switch source {
        case .jsonl, .standardInput:
            return (DecodedJSONLReader(lines: LineReader(bytes: text, source: source.name), inputSize: bytes.count),
                    decoded.chosen)
        case .text(let path):
            return (DecodedTextReader(text: decoded.text, path: path, source: source.name, inputSize: bytes.count),
                    decoded.chosen)
        }
    }

    private static func readAll(_ source: InputSource) throws -> [UInt8] {
        switch source {
        case .jsonl(let path), .text(let path):
            do {
                return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw VietSearchError.io(path: source.name, message: "cannot read: \(error.localizedDescription)")
            }
        case .standardInput:
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
    }
}

/// JSONL lines of decoded text; progress counts the input's bytes, not the decoded UTF-8.
final class DecodedJSONLReader: DocumentReader {
    private let reader: JSONLDocumentReader
    private let inputSize: Int
    private var finished = false

    init(lines: LineReader, inputSize: Int) {
        reader = JSONLDocumentReader(lines: lines)
        self.inputSize = inputSize
    }

    var bytesConsumed: Int { finished ? inputSize : 0 }

    func next() throws -> SourcedDocument? {
        let document = try reader.next()
        if document == nil { finished = true }
        return document
    }
}

/// A decoded `.txt` file as one document (same id and title rule as `TextDocumentReader`).
final class DecodedTextReader: DocumentReader {
    private let text: String
    private let path: String
    private let source: String
    private let inputSize: Int
    private var done = false

    init(text: String, path: String, source: String, inputSize: Int) {
        self.text = text
        self.path = path
        self.source = source
        self.inputSize = inputSize
    }

    var bytesConsumed: Int { done ? inputSize : 0 }

    func next() throws -> SourcedDocument? {
        if done { return nil }
        done = true
        let id = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let (title, body) = TextDocumentReader.split(text)
        return SourcedDocument(document: Document(id: id, title: title, body: body), source: source, line: 0)
    }
}
