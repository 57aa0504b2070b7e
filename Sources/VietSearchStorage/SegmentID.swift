/// A segment's 16-byte random identity. It appears in the segment file's header and in the manifest,
/// so a segment file copied from another index (or another segment) is rejected.
package struct SegmentID: Hashable, Sendable, CustomStringConvertible {
    /// Exactly 16 bytes.
    package let bytes: [UInt8]

    package init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// A fresh random id.
    package static func random() -> SegmentID {
        var generator = SystemRandomNumberGenerator()
        return SegmentID(unchecked: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// 32 lowercase hex digits, used in file names.
    package var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
