/// Repairs UTF-8 that was read as Windows-1252 and saved again as UTF-8 (`Viá»‡t` → `Việt`,
/// `Ä‘` → `đ`). Each maximal run of non-ASCII scalars is mapped back to cp1252 bytes; when those bytes
/// are well-formed UTF-8 the run is replaced by them, otherwise it is kept (so text that mixes correct
/// and broken parts is repaired where it is broken only). Works on UTF-8 bytes, no per-scalar strings.
enum MojibakeRepair {
    /// The repaired text and the number of runs repaired.
    static func repair(_ text: String) -> (text: String, repairedRuns: Int) {
        var input = text
        return input.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var mapped: [UInt8] = []
            var repaired = 0
            var index = 0
            while index < bytes.count {
                if bytes[index] < 0x80 {
                    output.append(bytes[index])
                    index += 1
                    continue
                }
                let runStart = index
                mapped.removeAll(keepingCapacity: true)
                var mappable = true
                while index < bytes.count && bytes[index] >= 0x80 {
                    let (scalar, length) = UTF8Encoding.decode(bytes, at: index)
                    index += length
                    if mappable, let byte = Windows1252.byte(scalar) { mapped.append(byte) } else { mappable = false }
                }
                if mappable, UTF8Validation.firstInvalidOffset(mapped) == nil {
                    output.append(contentsOf: mapped)
                    repaired += 1
                } else {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                }
            }
            return (String(decoding: output, as: UTF8.self), repaired)
        }
    }
}
