import Foundation

/// libFuzzer entry point for the five VietSearch fuzz targets. Fuzz/build.sh compiles this file together
/// with the library sources into one instrumented binary; `VIETSEARCH_FUZZ_TARGET` picks the target:
/// `segment`, `manifest`, `query`, `analyzer` or `jsonl`. Each target must never crash: bad bytes give
/// an error value, which the target swallows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch FuzzTarget.current {
    case .segment: FuzzTarget.segment(bytes)
    case .manifest: FuzzTarget.manifest(bytes)
    case .query: FuzzTarget.query(bytes)
    case .analyzer: FuzzTarget.analyzer(bytes)
    case .jsonl: FuzzTarget.jsonl(bytes)
    }
    return 0
}

enum FuzzTarget: String {
    case segment, manifest, query, analyzer, jsonl

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["VIETSEARCH_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("set VIETSEARCH_FUZZ_TARGET to segment, manifest, query, analyzer or jsonl\n".utf8))
            exit(2)
        }
        return target
    }()

    /// The fuzzer's bytes with the footer checksum recomputed, so the structural decoders (not the CRC)
    /// face the damage.
    static func resigned(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= FileFormat.headerSize + FileFormat.footerSize else { return bytes }
        var signed = Array(bytes.dropLast(4))
        signed.appendUInt32(CRC32.checksum(signed))
        return signed
    }

    static func segment(_ input: [UInt8]) {
        // Every inner range checksum too (format 2), or they would stop almost every input.
        let bytes = SegmentResealer.reseal(input)
        guard bytes.count >= 40 else { return }
        let file = FileBytes(name: "fuzz.vss", copying: bytes)
        let documentCount = (try? SegmentLayout.parse(file).documentCount) ?? 0
        guard let id = SegmentID(bytes: Array(bytes[12..<28])) else { return }
        let meta = SegmentMeta(id: id, documentCount: documentCount, fileName: "fuzz.vss", fileSize: UInt64(bytes.count),
                               checksum: CRC32.checksum(Array(bytes.dropLast(4))))
        do {
            let reader = try SegmentReader(meta: meta, bytes: file)
            for field in 0..<UInt8(min(reader.fieldNames.count, 8)) {
                for (term, info) in try reader.terms(field: field, prefix: [], limit: 64) {
                    _ = try reader.termInfo(field: field, term: term)
                    var cursor = try reader.postings(info)
                    var steps = 0
                    while try cursor.nextDoc() != PostingsCursor.noMoreDocs && steps < 4_096 {
                        _ = try cursor.positions()
                        steps += 1
                    }
                    var skipping = try reader.postings(info)
                    _ = try skipping.advance(to: 3)
                }
                _ = reader.sumOfFieldLengths(field: field)
            }
            for doc in 0..<min(reader.documentCount, 256) {
                _ = try reader.storedFields(doc: doc)
                for field in 0..<UInt8(min(reader.fieldNames.count, 8)) { _ = try reader.fieldLength(field: field, doc: doc) }
            }
            try reader.verify()
        } catch {}
    }

    static func manifest(_ input: [UInt8]) {
        let manifest = try? Manifest.decode(FileBytes(name: "manifest-0000000000000001.vsm", copying: resigned(input)))
        _ = manifest?.encoded()
    }

    /// A small index built once: queries run through parsing, analysis, binding and scoring.
    static let index: Index = {
        let index = Index.inMemory()
        do {
            let writer = try index.writer()
            let texts = ["Đảng viên cấp uỷ chi bộ", "biên giới hoà bình", "Kinh tế xã hội văn hoá", "đảng đang dáng",
                         "QS-QP quân sự quốc phòng", "học sinh sinh viên", "nhà nước pháp quyền"]
            for (number, text) in texts.enumerated() {
                try writer.add(Document(id: "d\(number)", title: text, body: texts[(number + 3) % texts.count] + " " + text))
            }
            try writer.commit()
            writer.close()
        } catch {}
        return index
    }()

    static func query(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        _ = try? QueryParser().parse(text)
        guard let searcher = try? index.searcher() else { return }
        var options = SearchOptions(limit: 5)
        options.explain = input.first.map { $0 & 1 == 1 } ?? false
        options.defaultOperator = input.count % 2 == 0 ? .or : .and
        _ = try? searcher.search(text, options: options)
    }

    static func analyzer(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let analyzed = VietnameseAnalyzer().analyze(text)
        let utf8Count = text.utf8.count
        var lastPosition = -1
        for token in analyzed.tokens {
            // Offsets index the input as given; positions never go back.
            if token.start < 0 || token.end > utf8Count || token.start > token.end || token.position < lastPosition {
                fatalError("analyzer invariant broken for token \(token) in \(Array(text.utf8))")
            }
            lastPosition = token.position
        }
        // Differential: the indexer's StreamingAnalyzer (one instance, so its key cache carries over from
        // input to input, as in a long indexing run) must hand over exactly the same tokens and keys.
        for chunkBytes in [256 * 1024, 1 + input.count % 97] {
            var streamed: [(Int, Int, Int, [UInt8], [UInt8], Bool, Bool)] = []
            _ = streamingAnalyzer.analyze(text, chunkBytes: chunkBytes, token: { token in
                streamed.append((token.position, token.start, token.end, Array(token.exact), Array(token.folded),
                                 token.isJoinedForm, token.hasNonASCIILetter))
            }, pieceEnd: {})
            let expected = analyzed.tokens.map { token in
                (token.position, token.start, token.end, Array(token.exact.utf8), Array(token.folded.utf8),
                 token.isJoinedForm, token.hasNonASCIILetter)
            }
            let same = streamed.count == expected.count && zip(streamed, expected).allSatisfy { a, b in
                a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.3 == b.3 && a.4 == b.4 && a.5 == b.5 && a.6 == b.6
            }
            if !same {
                fatalError("StreamingAnalyzer (pieces of \(chunkBytes) bytes) differs from analyze() on \(Array(text.utf8))")
            }
        }
    }

    nonisolated(unsafe) static let streamingAnalyzer = StreamingAnalyzer()

    static func jsonl(_ input: [UInt8]) {
        let path = NSTemporaryDirectory() + "vietsearch-fuzz-\(getpid()).jsonl"
        guard FileManager.default.createFile(atPath: path, contents: Data(input)) else { return }
        defer { unlink(path) }
        do {
            let reader = JSONLDocumentReader(lines: try LineReader(path: path, source: "fuzz.jsonl"))
            var count = 0
            while try reader.next() != nil && count < 10_000 { count += 1 }
        } catch {}
        // The three UTF-8 checks (AVX2 where the CPU has it, word by word, sequence by sequence) must agree
        // with the standard library on the raw bytes.
        input.withUnsafeBufferPointer { buffer in
            let expected = String(validating: buffer, as: UTF8.self).map { _ in input.allSatisfy { $0 < 0x80 } }
            precondition(UTF8StringBuilder.check(buffer) == expected, "UTF-8 check disagrees")
            precondition(UTF8StringBuilder.checkWordByWord(buffer) == expected, "word-by-word UTF-8 check disagrees")
            precondition(UTF8StringBuilder.checkSequenceBySequence(buffer) == expected, "sequence UTF-8 check disagrees")
        }
    }
}
