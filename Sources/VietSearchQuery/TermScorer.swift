import VietSearchStorage

/// One key in one field of one segment: BM25 of the key's frequency in each document that has it.
final class TermScorer: DocScorer {
    // Hot per-document state, touched only by this scorer's own methods on one thread: unchecked
    // exclusivity saves a runtime access check per access (measured: vi-docs queries ~40% faster).
    @exclusivity(unchecked) private var cursor: PostingsCursor
    private let reader: SegmentReader
    private let scoring: FieldScoring
    @exclusivity(unchecked) private(set) var doc: UInt32
    let cost: UInt64

    init(reader: SegmentReader, info: TermInfo, scoring: FieldScoring) throws {
        self.reader = reader
        self.scoring = scoring
        cost = UInt64(info.documentFrequency)
        cursor = try reader.postings(info)
        doc = try cursor.nextDoc()
    }

    func nextDoc() throws -> UInt32 {
        if doc != PostingsCursor.noMoreDocs { doc = try cursor.nextDoc() }
        return doc
    }

    func advance(to target: UInt32) throws -> UInt32 {
        if target > doc { doc = try cursor.advance(to: target) }
        return doc
    }

    func score() throws -> Double {
        let dl = try reader.fieldLength(field: scoring.fieldNumber, doc: doc)
        return scoring.bm25.score(boost: scoring.boost, idf: scoring.idf, tf: Double(cursor.termFrequency),
                                  dl: Double(dl), avgdl: scoring.avgdl)
    }

    func explain(into components: inout [ScoreContribution]) throws {
        let dl = try reader.fieldLength(field: scoring.fieldNumber, doc: doc)
        components.append(scoring.contribution(tf: Double(cursor.termFrequency), dl: Double(dl)))
    }
}
