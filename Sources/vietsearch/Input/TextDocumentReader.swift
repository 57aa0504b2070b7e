import Foundation
import VietSearch

/// Reads one `.txt` file as one document (README "The .txt title rule"):
/// - id: the file name without its extension;
/// - title: the first non-empty line with at least 6 whitespace-separated words of which at most 40%
///   contain a digit (so a kicker like "an ninh quốc phòng" or a dateline like
///   "Ngày đăng 13/09/2022 | 09:24" is skipped), else the first non-empty line; trimmed;
/// - body: the whole text without that title line.
final class TextDocumentReader: DocumentReader {
    static let minimumTitleWords = 6
    static let maximumDigitWordShare = 0.4

    private let path: String
    private let source: String
    private var done = false
    private(set) var bytesConsumed = 0

    init(path: String, source: String) {
        self.path = path
        self.source = source
    }

    func next() throws -> SourcedDocument? {
        if done { return nil }
        done = true
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw VietSearchError.io(path: source, message: "cannot read: \(error.localizedDescription)")
        }
        bytesConsumed = bytes.count
        switch StrictUTF8.decode(bytes) {
        case .failure(let invalid):
            let line = bytes[..<invalid.offset].lazy.filter { $0 == UInt8(ascii: "\n") }.count + 1
            throw VietSearchError.invalidInput(source: source, line: line,
                                               message: "invalid UTF-8 at byte offset \(invalid.offset)")
        case .success(let text):
            let id = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let (title, body) = Self.split(text)
            return SourcedDocument(document: Document(id: id, title: title, body: body), source: source, line: 0)
        }
    }

    /// Applies the title rule to `text`: (title, body).
    static func split(_ text: String) -> (title: String, body: String) {
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        let nonEmpty = lines.indices.filter { !trimmed(lines[$0]).isEmpty }
        guard let titleIndex = nonEmpty.first(where: { looksLikeHeadline(lines[$0]) }) ?? nonEmpty.first else {
            return ("", text)
        }
        var bodyLines = lines
        bodyLines.remove(at: titleIndex)
        return (trimmed(lines[titleIndex]), bodyLines.joined(separator: "\n"))
    }

    private static func looksLikeHeadline(_ line: String) -> Bool {
        let words = line.unicodeScalars.split(whereSeparator: \.properties.isWhitespace)
        guard words.count >= minimumTitleWords else { return false }
        let wordsWithDigit = words.filter { $0.contains { $0.properties.generalCategory == .decimalNumber } }.count
        return Double(wordsWithDigit) <= maximumDigitWordShare * Double(words.count)
    }

    private static func trimmed(_ line: String) -> String {
        line.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
