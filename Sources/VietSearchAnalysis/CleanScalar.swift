/// One scalar of cleaned text, remembering which bytes of the original input it came from (a composed
/// `ế` from NFD input spans the base and both marks).
struct CleanScalar {
    var value: UInt32
    var kind: ScalarKind
    /// UTF-8 byte offset in the original input of the first byte this scalar came from.
    var start: Int
    /// UTF-8 byte offset in the original input one past the last byte this scalar came from.
    var end: Int
}

extension Array where Element == CleanScalar {
    /// The cleaned text as a string.
    func makeString() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 2)
        for scalar in self { UTF8Encoding.append(scalar.value, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
