/// Bytes that the chosen encoding cannot decode. The CLI adds the file name; `byteOffset` is from the
/// start of the input.
public struct LegacyDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let encoding: LegacyDecoder.Encoding
    public let byteOffset: Int
    public let reason: String

    public init(encoding: LegacyDecoder.Encoding, byteOffset: Int, reason: String) {
        self.encoding = encoding
        self.byteOffset = byteOffset
        self.reason = reason
    }

    public var description: String {
        "byte offset \(byteOffset): \(reason) (encoding \(encoding.rawValue))"
    }
}
