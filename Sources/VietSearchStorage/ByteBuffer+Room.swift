/// Zero bytes copied in by `appendZeros` (never written).
nonisolated(unsafe) private let zeroBytes: UnsafeMutablePointer<UInt8> = {
    let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: zeroChunkBytes)
    bytes.initialize(repeating: 0, count: zeroChunkBytes)
    return bytes
}()
private let zeroChunkBytes = 4_096

extension Array where Element == UInt8 {
    /// Appends `count` zero bytes: room that writers then fill through a pointer and trim. A copy from
    /// a zero buffer; appending `repeatElement(0, count:)` went element by element (~250 instructions
    /// for a few bytes, ~2 per byte beyond), and serialisation makes room once or twice per term.
    mutating func appendZeros(_ count: Int) {
        var left = count
        while left > 0 {
            let chunk = Swift.min(left, zeroChunkBytes)
            append(contentsOf: UnsafeBufferPointer(start: zeroBytes, count: chunk))
            left -= chunk
        }
    }
}
