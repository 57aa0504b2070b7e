import VietSearchAnalysis

/// The term bytes of the index (ARCHITECTURE.md, "Term bytes"): `'e' + exact key` and `'f' + folded key`.
/// Indexing and querying both go through here so the two can never disagree.
package enum TermKeys {
    /// The reserved field holding each document's id as raw UTF-8 bytes (no marker byte, not analysed).
    package static let idField = "id"

    /// First byte of an exact key (`e`).
    package static let exactMarker: UInt8 = 0x65
    /// First byte of a folded key (`f`).
    package static let foldedMarker: UInt8 = 0x66

    package static func exact(_ token: Token) -> [UInt8] { exact(token.exact) }
    package static func folded(_ token: Token) -> [UInt8] { folded(token.folded) }

    package static func exact(_ key: String) -> [UInt8] { encode(exactMarker, key) }
    package static func folded(_ key: String) -> [UInt8] { encode(foldedMarker, key) }

    /// One allocation per key: this runs twice per token while indexing.
    @inline(__always)
    private static func encode(_ marker: UInt8, _ key: String) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(key.utf8.count + 1)
        bytes.append(marker)
        bytes.append(contentsOf: key.utf8)
        return bytes
    }

    /// The key a query token matches: exact if it has a non-ASCII letter (the user typed marks), else folded.
    package static func queryKey(_ token: Token) -> [UInt8] {
        token.hasNonASCIILetter ? exact(token) : folded(token)
    }

    /// Splits term bytes into the key text and its kind (`exact`/`folded`), for explanations.
    package static func describe(_ term: [UInt8]) -> (key: String, kind: String) {
        guard let marker = term.first else { return ("", "raw") }
        let text = String(decoding: term.dropFirst(), as: UTF8.self)
        switch marker {
        case exactMarker: return (text, "exact")
        case foldedMarker: return (text, "folded")
        default: return (String(decoding: term, as: UTF8.self), "raw")
        }
    }
}
