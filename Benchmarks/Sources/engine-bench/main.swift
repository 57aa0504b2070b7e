// Indexes a deterministic Vietnamese-like corpus (or a JSONL file) through the public API, then measures
// queries per class. Prints indexing docs/s and MB/s, peak RSS, index size / input size, open time and
// p50/p95/p99 latency per class and variant for top-10 and top-100. See Benchmarks/README.md.
//
// Usage: engine-bench [--docs N] [--seed S] [--jsonl FILE [--queries FILE]] [--per-class N]
//                     [--budget-mb N] [--threads N] [--index DIR] [--keep] [--reuse] [--repeat N] [--all-fields] [--ids-only] [--limit K]
// --limit K: only top-K (default both top-10 and top-100).
// --all-fields: hits carry every stored field (default: title only, as a results page shows).
// --ids-only: hits carry only their id (read from the uncompressed id column, no stored block decompressed).
// --reuse: keep the index at --index and skip indexing when it is already there (query-only runs).
// --class C / --variant V: only that query class (t1, or2, and2, multi, phrase) / variant (acc, nodiac).
// --scoring bm25|vietnamese (default vietnamese); --exact-total: count every match (no totalHitsThreshold).
import Foundation
import VietSearch

struct Settings {
    var documents = 10_000
    var seed: UInt64 = 42
    var jsonl: String?
    var queries: String?
    var perClass = 100
    var budgetMB = 64
    var threads = IndexConfiguration.defaultThreads
    var indexPath: String?
    var keep = false
    var reuse = false
    var allFields = false
    var idsOnly = false
    var limits = [10, 100]
    var repeats = 3
    var onlyClass: String?
    var onlyVariant: String?
    var bm25 = false
    var exactTotal = false

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchmarkError(description: "\(flag) needs a value") }
            return next
        }
        func number(_ flag: String) throws -> Int {
            guard let parsed = Int(try value(flag)), parsed > 0 else {
                throw BenchmarkError(description: "\(flag) needs a positive integer")
            }
            return parsed
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--docs": documents = try number(flag)
            case "--seed": seed = UInt64(try number(flag))
            case "--jsonl": jsonl = try value(flag)
            case "--queries": queries = try value(flag)
            case "--per-class": perClass = try number(flag)
            case "--budget-mb": budgetMB = try number(flag)
            case "--threads": threads = try number(flag)
            case "--index": indexPath = try value(flag)
            case "--repeat": repeats = try number(flag)
            case "--keep": keep = true
            case "--all-fields": allFields = true
            case "--ids-only": idsOnly = true
            case "--limit": limits = [try number(flag)]
            case "--reuse": reuse = true; keep = true
            case "--class": onlyClass = try value(flag)
            case "--variant": onlyVariant = try value(flag)
            case "--scoring": bm25 = try value(flag) == "bm25"
            case "--exact-total": exactTotal = true
            default: throw BenchmarkError(description: "unknown argument \(flag)")
            }
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}

func directoryBytes(_ path: String) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.reduce(0) { total, name in
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
        return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
    }
}

/// Calls `body` with each document of a JSONL file (`id`, `title`, `body`), reading line by line.
func forEachJSONLDocument(_ path: String, _ body: (Document) throws -> Void) throws {
    guard let file = fopen(path, "r") else { throw BenchmarkError(description: "cannot open \(path)") }
    defer { fclose(file) }
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    var number = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0 {
        number += 1
        guard let line else { continue }
        let data = Data(bytes: line, count: strlen(line))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let id = object["id"] as? String else {
            throw BenchmarkError(description: "\(path):\(number): expected an object with an id")
        }
        try body(Document(id: id, title: object["title"] as? String ?? "", body: object["body"] as? String ?? ""))
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

/// CPU time of the calling thread: robust to other processes sharing the cores, unlike wall time.
func threadCPUMicroseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) * 1e-3
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
}

func run() throws {
    let settings = try Settings(Array(CommandLine.arguments.dropFirst()))
    let path = settings.indexPath ?? NSTemporaryDirectory() + "engine-bench-\(getpid())"
    let reusing = settings.reuse && FileManager.default.fileExists(atPath: path)
    if !reusing { try? FileManager.default.removeItem(atPath: path) }
    defer { if !settings.keep { try? FileManager.default.removeItem(atPath: path) } }

    // Indexing: only time spent inside the library counts (generation and JSON parsing excluded).
    let generator = CorpusGenerator(seed: settings.seed)
    let clock = ContinuousClock()
    var indexing = Duration.zero
    var inputBytes = 0
    var documentCount = 0
    var commitTime = Duration.zero  // the final commit: last flush, then the merges the policy asks for
    var indexingCPU = 0.0  // µs of this thread's CPU inside the library (robust on shared cores)
    let index = try Index.open(at: path, configuration: IndexConfiguration(memoryBudget: settings.budgetMB << 20, threads: settings.threads))
    let writer = try index.writer()
    if reusing { writer.close() }
    func add(_ document: Document) throws {
        inputBytes += document.fields.reduce(0) { $0 + $1.value.utf8.count }
        documentCount += 1
        let cpuStart = threadCPUMicroseconds()
        indexing += try clock.measure { try writer.add(document) }
        indexingCPU += threadCPUMicroseconds() - cpuStart
    }
    if reusing {
        documentCount = try index.searcher().documentCount
    } else if let jsonl = settings.jsonl {
        try forEachJSONLDocument(jsonl, add)
    } else {
        for number in 0..<settings.documents {
            let generated = generator.document(number)
            try add(Document(id: generated.id, title: generated.title, body: generated.body))
        }
    }
    let peakBeforeCommit = peakRSSMegabytes()
    if !reusing {
        let cpuStart = threadCPUMicroseconds()
        commitTime = try clock.measure { try writer.commit() }
        indexing += commitTime
        indexingCPU += threadCPUMicroseconds() - cpuStart
    }
    writer.close()
    let indexSeconds = seconds(indexing)
    // The newest commit's files only: after merges the directory also holds the previous commit's
    // segments (two manifests are kept for readers), which would count the merged data twice.
    let indexBytes = try index.statistics().segmentDetails.reduce(0) { $0 + $1.bytes }
    let directoryTotal = directoryBytes(path)
    print(String(format: "corpus: %d docs, %.1f MB of text (%@)", documentCount, Double(inputBytes) / 1e6,
                 settings.jsonl ?? "generated, seed \(settings.seed)"))
    print(String(format: "indexing: %.2f s, %.0f docs/s, %.2f MB/s, peak RSS %.0f MB (budget %d MB, %d threads)", indexSeconds,
                 Double(documentCount) / indexSeconds, Double(inputBytes) / 1e6 / indexSeconds, peakRSSMegabytes(),
                 settings.budgetMB, settings.threads))
    print(String(format: "  of which final commit (last segments, merges): %.2f s; peak RSS before it %.0f MB", seconds(commitTime),
                 peakBeforeCommit))
    if indexingCPU > 0 {
        print(String(format: "indexing CPU: %.2f s, %.0f docs/s, %.2f MB/s per CPU second", indexingCPU / 1e6,
                     Double(documentCount) / (indexingCPU / 1e6), Double(inputBytes) / indexingCPU))
    }
    print(String(format: "index size: %.1f MB = %.3f × input (newest commit; directory %.1f MB)", Double(indexBytes) / 1e6,
                 Double(indexBytes) / Double(max(1, inputBytes)), Double(directoryTotal) / 1e6))

    var openTimes: [Double] = []
    var searcher = try index.searcher()
    for _ in 0..<5 {
        let opened = try clock.measure { searcher = try Index.open(at: path, createIfMissing: false).searcher() }
        openTimes.append(seconds(opened) * 1e3)
    }
    print(String(format: "open: %.2f ms (median of 5)", openTimes.sorted()[2]))

    let queries = try settings.queries.map(QuerySet.load)
        ?? QuerySet.generate(generator, documentCount: documentCount, perClass: settings.perClass)
    print("\nwall-clock latency, and CPU time of the searching thread (robust when the cores are shared)")
    print("class    variant  limit  queries     p50 µs     p95 µs     p99 µs   cpu p50    cpu p95   mean hits")
    for limit in settings.limits {
        var options = SearchOptions(limit: limit)
        // Like a results page (and the CLI): ids and titles, not the bodies.
        if !settings.allFields { options.fieldsToLoad = settings.idsOnly ? [] : ["title"] }
        if settings.bm25 { options.scoring = .bm25 }
        if settings.exactTotal { options.totalHitsThreshold = Int.max }
        for queryClass in QuerySet.classes where settings.onlyClass.map({ $0 == queryClass }) ?? true {
            for variant in ["acc", "nodiac"] where settings.onlyVariant.map({ $0 == variant }) ?? true {
                let texts = queries.filter { $0.queryClass == queryClass }.map { variant == "acc" ? $0.accented : $0.unmarked }
                guard !texts.isEmpty else { continue }
                var latencies: [Double] = []
                var cpuTimes: [Double] = []
                var hits = 0
                for text in texts { hits += try searcher.search(text, options: options).totalHits }  // warm-up
                for _ in 0..<settings.repeats {
                    for text in texts {
                        let cpuStart = threadCPUMicroseconds()
                        latencies.append(seconds(try clock.measure { _ = try searcher.search(text, options: options) }) * 1e6)
                        cpuTimes.append(threadCPUMicroseconds() - cpuStart)
                    }
                }
                latencies.sort()
                cpuTimes.sort()
                print(pad(queryClass, 8) + " " + pad(variant, 8) + String(format: " %5d  %7d  %9.1f  %9.1f  %9.1f  %8.1f  %9.1f  %10.0f", limit,
                             texts.count, percentile(latencies, 0.5), percentile(latencies, 0.95),
                             percentile(latencies, 0.99), percentile(cpuTimes, 0.5), percentile(cpuTimes, 0.95),
                             Double(hits) / Double(texts.count)))
            }
        }
    }
    print(String(format: "\npeak RSS overall: %.0f MB", peakRSSMegabytes()))
}

do {
    try run()
} catch {
    FileHandle.standardError.write("engine-bench: \(error)\n".data(using: .utf8) ?? Data())
    exit(1)
}
