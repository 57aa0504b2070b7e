/// What the direct path changed in one term's stream for the current document, to finish or undo it.
struct TouchedTerm {
    var term: Int
    /// The stream's length before the document.
    var streamCount: Int
    /// Offset in the stream of the frequency's placeholder byte (after the doc delta).
    var frequencyOffset: Int
    /// The stream's `lastDoc` before the document.
    var previousLastDoc: UInt32
}

/// The direct path: while each term's positions in a document ascend (as the analyser gives them),
/// each occurrence is written into its term's stream as it comes (`TermStreams.addOccurrence`), in the stream's final form
/// (`docDelta, tf, position, positionGap…`, the frequency patched in at the end), instead of being
/// collected in `scratch`, grouped by term and written at `finishDocument`: that sort and second pass
/// cost about 13% of indexing instructions. Same stream bytes as the scratch path (tested).
extension SegmentBuffer {
    /// Ends the current document on the direct path: writes each touched term's frequency.
    mutating func finishDirectOccurrences() {
        termStreams.finishTouchedTerms()
        collectsDirectly = false
    }

    /// Cuts the current document's occurrences out of the streams again; `keepingThem` moves them to
    /// `scratch` first (positions stopped ascending: the rest of the document takes the scratch path).
    mutating func undoDirectOccurrences(keepingThem: Bool) {
        let streams = termStreams
        for touched in streams.touchedTerms {
            if keepingThem {
                let bytes = streams.bytes(touched.term)
                var index = touched.frequencyOffset + 1
                var position: UInt32 = 0
                var isFirst = true
                while index < bytes.count {
                    var value: UInt32 = 0
                    var shift: UInt32 = 0
                    while true {
                        let byte = bytes[index]
                        index += 1
                        value |= UInt32(byte & 0x7F) << shift
                        if byte < 0x80 { break }
                        shift += 7
                    }
                    position = isFirst ? value : position + value
                    isFirst = false
                    scratch.append(UInt64(touched.term) << 32 | UInt64(position))
                }
            }
            streams.truncate(touched.term, to: touched.streamCount, lastDoc: touched.previousLastDoc)
        }
        streams.forgetTouchedTerms()
        collectsDirectly = false
    }
}
