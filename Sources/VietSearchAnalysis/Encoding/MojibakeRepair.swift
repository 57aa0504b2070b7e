/// Repairs UTF-8 that was read as Windows-1252 and saved again as UTF-8 (`Viá»‡t` → `Việt`,
/// `Ä‘` → `đ`). Each maximal run of non-ASCII scalars is mapped back to cp1252 bytes; when those bytes
/// are well-formed UTF-8 the run is replaced by their decoding, otherwise it is kept (so text that mixes
/// correct and broken parts is repaired where it is broken only).
enum MojibakeRepair {
    /// The repaired text and the number of runs repaired.
    static func repair(_ text: String) -> (text: String, repairedRuns: Int) {
        var output = String.UnicodeScalarView()
        var run: [Unicode.Scalar] = []
        var repaired = 0
        func flush() {
            guard !run.isEmpty else { return }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(run.count)
            var mappable = true
            for scalar in run {
                guard let byte = Windows1252.byte(scalar.value) else { mappable = false; break }
                bytes.append(byte)
            }
            if mappable, StrictUTF8.firstInvalidOffset(bytes) == nil {
                output.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
                repaired += 1
            } else {
                output.append(contentsOf: run)
            }
            run.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                flush()
                output.append(scalar)
            } else {
                run.append(scalar)
            }
        }
        flush()
        return (String(output), repaired)
    }
}
