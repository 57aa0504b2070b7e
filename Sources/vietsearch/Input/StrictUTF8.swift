/// Strict UTF-8 decoding for input files: invalid bytes are an error with their offset, never
/// silently replaced (a replaced byte would change what gets indexed and shift byte offsets).
enum StrictUTF8 {
    /// The text of `bytes`, or the offset of the first byte of the first invalid sequence.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<String, InvalidByte> {
        if let text = String(validating: bytes, as: UTF8.self) { return .success(text) }
        return .failure(InvalidByte(offset: firstInvalidOffset(in: bytes)))
    }

    /// `decode` for an array.
    static func decode(_ bytes: [UInt8]) -> Result<String, InvalidByte> {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    /// Only called once validation has failed, so it may be slow.
    private static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }

    /// Where decoding failed.
    struct InvalidByte: Error {
        /// Offset of the first invalid byte, from the start of the decoded buffer.
        var offset: Int
    }
}
