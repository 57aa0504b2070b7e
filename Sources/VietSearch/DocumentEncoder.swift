import VietSearchAnalysis
import VietSearchQuery
import VietSearchStorage

/// Turns a `Document` into what storage indexes (ARCHITECTURE.md conventions): the id as raw UTF-8 in
/// field `id` (position 0, length 0) and stored first; every field analysed, each token giving its exact
/// and folded keys at its position; field length = the analysis' position count.
struct DocumentEncoder {
    static let idField = TermKeys.idField
    private let analyzer = VietnameseAnalyzer()

    /// Throws `.invalidInput` for an empty id or an empty, repeated or reserved field name.
    func validate(_ document: Document) throws {
        guard !document.id.isEmpty else {
            throw VietSearchError.invalidInput(source: "document", line: 0, message: "document id is empty")
        }
        var seen = Set<String>()
        for field in document.fields {
            guard !field.name.isEmpty else {
                throw VietSearchError.invalidInput(source: "document", line: 0,
                                                   message: "document \(document.id): a field name is empty")
            }
            guard field.name != Self.idField else {
                throw VietSearchError.invalidInput(source: "document", line: 0,
                                                   message: "document \(document.id): field name \"id\" is reserved")
            }
            guard seen.insert(field.name).inserted else {
                throw VietSearchError.invalidInput(source: "document", line: 0,
                                                   message: "document \(document.id): field \"\(field.name)\" appears twice")
            }
        }
    }

    func encode(_ document: Document, into builder: SegmentBuilder) throws -> DocumentPostings {
        let idNumber = try builder.fieldNumber(for: Self.idField)
        var stored = [StoredField(name: Self.idField, value: document.id)]
        stored.reserveCapacity(document.fields.count + 1)
        var lengths = [UInt32](repeating: 0, count: Int(idNumber) + 1)
        var occurrences = [TermOccurrence(field: idNumber, term: Array(document.id.utf8), position: 0)]
        for field in document.fields {
            let number = try builder.fieldNumber(for: field.name)
            let analyzed = analyzer.analyze(field.value)
            occurrences.reserveCapacity(occurrences.count + 2 * analyzed.tokens.count)
            for token in analyzed.tokens {
                let position = UInt32(clamping: token.position)
                occurrences.append(TermOccurrence(field: number, term: TermKeys.exact(token), position: position))
                occurrences.append(TermOccurrence(field: number, term: TermKeys.folded(token), position: position))
            }
            if lengths.count <= Int(number) { lengths.append(contentsOf: repeatElement(0, count: Int(number) + 1 - lengths.count)) }
            lengths[Int(number)] = UInt32(clamping: analyzed.positionCount)
            stored.append(StoredField(name: field.name, value: field.value))
        }
        return DocumentPostings(stored: stored, fieldLengths: lengths, occurrences: occurrences)
    }
}
