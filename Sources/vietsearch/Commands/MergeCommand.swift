import ArgumentParser
import VietSearch

/// `vietsearch merge INDEX_DIR [--max-segments N]`: force-merges the index, dropping deleted documents.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the index's segments (streaming, bounded memory), dropping deleted documents.")

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: "Merge down to at most this many segments.")
    var maxSegments: Int = 1

    @OptionGroup var format: OutputFormat

    func validate() throws {
        if maxSegments < 1 { throw ValidationError("--max-segments must be at least 1 (got \(maxSegments)).") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let index = try location.openExisting()
        let before = try index.statistics()
        let start = clock.now
        try index.forceMerge(maxSegments: maxSegments)
        let seconds = (clock.now - start).seconds
        let after = try index.statistics()
        // Throughput over what was read: the segment files (and deletes files) before the merge.
        let inputBytes = before.segmentDetails.reduce(0) { $0 + $1.bytes }
        let inputDocuments = before.segmentDetails.reduce(0) { $0 + $1.documents }
        let megabytesPerSecond = seconds > 0 ? Double(inputBytes) / Double(1 << 20) / seconds : 0
        let documentsPerSecond = seconds > 0 ? Double(inputDocuments) / seconds : 0
        if format.json {
            StandardStream.output.writeLine(JSONValue.object([
                ("segments_before", .int(before.segments)),
                ("segments", .int(after.segments)),
                ("documents", .int(after.documents)),
                ("deleted_dropped", .int(before.deletedDocuments - after.deletedDocuments)),
                ("input_bytes", .int(inputBytes)),
                ("seconds", .double((seconds * 1000).rounded() / 1000)),
                ("mb_per_second", .double((megabytesPerSecond * 10).rounded() / 10)),
                ("docs_per_second", .double(documentsPerSecond.rounded())),
            ]).encoded)
        } else {
            StandardStream.output.writeLine(
                "merged " + TextFormat.counted(before.segments, "segment") + " into " + TextFormat.counted(after.segments, "segment")
                    + " (" + TextFormat.counted(after.documents, "document") + ", dropped "
                    + TextFormat.counted(before.deletedDocuments - after.deletedDocuments, "deleted document")
                    + ") in \(TextFormat.fixed(seconds, digits: 2)) s: "
                    + "\(TextFormat.fixed(megabytesPerSecond, digits: 1)) MB/s, \(Int(documentsPerSecond.rounded())) docs/s")
        }
    }
}
