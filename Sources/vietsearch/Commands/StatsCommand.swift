import ArgumentParser
import VietSearch

/// `vietsearch stats INDEX_DIR`: documents, segments, generation, terms per field, bytes per component.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show counts and sizes of an index.")

    @OptionGroup var location: IndexLocation
    @OptionGroup var format: OutputFormat

    func run() throws {
        let index = try location.openExisting()
        let statistics = try index.statistics()
        let lockHolder = try index.lockHolder()
        let terms = statistics.termsPerField.sorted { $0.key < $1.key }
        let bytes = statistics.bytesPerComponent.sorted { $0.key < $1.key }
        if format.json {
            StandardStream.output.writeLine(JSONValue.object([
                ("documents", .int(statistics.documents)),
                ("segments", .int(statistics.segments)),
                ("generation", .int(Int(clamping: statistics.generation))),
                ("terms", .object(terms.map { ($0.key, .int($0.value)) })),
                ("bytes", .object(bytes.map { ($0.key, .int($0.value)) })),
                ("total_bytes", .int(statistics.totalBytes)),
                ("deleted_documents", .int(statistics.deletedDocuments)),
                ("locked_by", lockHolder.map { .string($0) } ?? .null),
                ("segment_list", .array(statistics.segmentDetails.map { segment in
                    .object([("id", .string(segment.id)), ("documents", .int(segment.documents)),
                             ("deleted", .int(segment.deletedDocuments)),
                             ("deletes_generation", .int(Int(clamping: segment.deletesGeneration))),
                             ("bytes", .int(segment.bytes))])
                })),
            ]).encoded)
            return
        }
        var out = "documents   \(statistics.documents)\nsegments    \(statistics.segments)\n"
        out += "generation  \(statistics.generation)\nterms per field:\n"
        out += Self.rows(terms)
        out += "bytes per component:\n"
        out += Self.rows(bytes + [("total", statistics.totalBytes)])
        out += "locked by   \(lockHolder ?? "nobody")\n"
        out += "deleted     \(statistics.deletedDocuments)\nsegments (id, documents, deleted, deletes generation, bytes):\n"
        for segment in statistics.segmentDetails {
            out += "  \(segment.id)  \(segment.documents)  \(segment.deletedDocuments)  \(segment.deletesGeneration)  \(segment.bytes)\n"
        }
        StandardStream.output.write(out)
    }

    private static func rows(_ pairs: [(key: String, value: Int)]) -> String {
        let nameWidth = pairs.map(\.key.count).max() ?? 0
        let valueWidth = pairs.map { String($0.value).count }.max() ?? 0
        return pairs.map {
            "  " + TextFormat.padded($0.key, to: nameWidth) + "  " + TextFormat.rightAligned(String($0.value), to: valueWidth) + "\n"
        }.joined()
    }
}
