import ArgumentParser
import VietSearch

/// `vietsearch index INDEX_DIR INPUT...`: adds documents, replacing committed ones with the same id
/// (upsert), and commits once; on any error nothing of the run is committed.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Add documents from .jsonl/.txt files, directories or stdin (-) to an index.",
        discussion: """
            Creates the index if missing and commits once at the end. A document whose id is already \
            in the index replaces it. An id repeated within the run, a malformed line or invalid UTF-8 \
            is an error naming the file and line, and nothing is committed.
            """)

    @OptionGroup var location: IndexLocation

    @Argument(help: "Inputs: .jsonl files, .txt files, directories of them, or - for JSONL on stdin.")
    var inputs: [String]

    @OptionGroup var format: OutputFormat

    @OptionGroup var decoding: EncodingOptions

    @Option(name: .long, help: ArgumentHelp("Indexing buffer in MiB (fractions allowed); a segment is flushed when it is full.",
                                            valueName: "MB"))
    var memoryBudget: Double = Double(IndexConfiguration().memoryBudget) / Double(1 << 20)

    @Option(name: .long, help: ArgumentHelp("Threads building segments (default: the number of processors); results are the same for any N.",
                                            valueName: "N"))
    var threads: Int = IndexConfiguration.defaultThreads

    @Flag(name: .long, inversion: .prefixedNo,
          help: "Merge the segments flushed during the run into one before the final commit publishes them (faster searches; costs a rewrite of the batch).")
    var mergeFlushed = true

    @Flag(name: .long, inversion: .prefixedNo,
          help: "Read and parse JSONL input on a thread of its own, ahead of the threads building segments.")
    var readAhead = true

    func validate() throws {
        if threads < 1 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024 (got \(threads)).") }
        if inputs.isEmpty { throw ValidationError("Give at least one INPUT.") }
        if !(memoryBudget > 0) || memoryBudget > Double(1 << 20) {
            throw ValidationError("--memory-budget must be a number of MiB above 0 (got \(memoryBudget)).")
        }
    }

    func run() throws {
        AllocatorTuning.applyForIndexing(threads: threads)
        let clock = ContinuousClock()
        let start = clock.now
        let sources = try InputSource.resolve(inputs)
        var configuration = IndexConfiguration(memoryBudget: max(1, Int(memoryBudget * Double(1 << 20))), threads: threads)
        configuration.mergePolicy?.mergesFlushedSegments = mergeFlushed
        let index = try Index.open(at: location.indexDirectory, createIfMissing: true, configuration: configuration)
        let writer = try index.writer()
        defer { writer.close() }

        var progress = ProgressBar(totalBytes: Self.totalSize(of: sources))
        var documents = 0
        var replaced = 0
        var finishedBytes = 0
        var encodings: [(String, JSONValue)] = []
        do {
            for source in sources {
                let (opened, chosen) = try decoding.open(source)
                let reader = readAhead && source.isJSONL ? ReadAheadDocumentReader(opened) : opened
                if let chosen {
                    encodings.append((source.name, .string(chosen.rawValue)))
                    StandardStream.error.writeLine("encoding: \(source.name): \(chosen.rawValue)")
                }
                while let item = try reader.next() {
                    do {
                        if try writer.addOrReplaceCommitted(item.document) { replaced += 1 }
                    } catch let error as VietSearchError {
                        throw error.located(in: item.source, line: item.line)
                    }
                    documents += 1
                    progress.update(documents: documents, bytes: finishedBytes + reader.bytesConsumed)
                }
                finishedBytes += reader.bytesConsumed
            }
            try writer.commit()
        } catch {
            progress.finish(documents: documents, bytes: finishedBytes)
            // The original error is what the user needs; a failed rollback leaves only unreferenced files.
            try? writer.rollback()
            throw error
        }
        progress.finish(documents: documents, bytes: finishedBytes)
        let segments = try index.statistics().segments
        let seconds = (clock.now - start).seconds
        if format.json {
            var summary: [(String, JSONValue)] = [
                ("docs", .int(documents)),
                ("replaced", .int(replaced)),
                ("segments", .int(segments)),
                ("seconds", .double((seconds * 1000).rounded() / 1000)),
            ]
            if decoding.encoding != nil { summary.append(("encodings", .object(encodings))) }
            StandardStream.output.writeLine(JSONValue.object(summary).encoded)
        } else {
            StandardStream.output.writeLine(
                "indexed " + TextFormat.counted(documents, "document")
                    + (replaced > 0 ? " (" + TextFormat.counted(replaced, "replacement") + ")" : "") + " in \(TextFormat.fixed(seconds, digits: 2)) s; "
                    + "the index has " + TextFormat.counted(segments, "segment"))
        }
    }

    private static func totalSize(of sources: [InputSource]) -> Int? {
        var total = 0
        for source in sources {
            guard let size = source.size else { return nil }
            total += size
        }
        return total
    }
}
