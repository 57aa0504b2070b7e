/// Decodes imported text in the encodings Vietnamese archives still use (VIETNAMESE.md §7). An opt-in
/// import step: never applied to queries.
public enum LegacyDecoder {
    public enum Encoding: String, CaseIterable, Sendable {
        /// UTF-8, taken as it is (a leading BOM is dropped).
        case utf8
        /// UTF-8 that was read as Windows-1252 and saved as UTF-8 again (`Viá»‡t`): repaired.
        case utf8Mojibake = "utf8-mojibake"
        /// TCVN 5712:1993 (TCVN3/ABC), through iconv `TCVN5712-1`.
        case tcvn3
        /// VNI-Windows, by table (`VNIWindowsDecoder`).
        case vni
        /// VISCII (RFC 1456), through iconv `VISCII`.
        case viscii
        /// Windows-1258, through iconv `CP1258` (base letters + combining tones, composed afterwards).
        case cp1258
        /// VIQR (RFC 1456), ASCII with mark characters, by table (`VIQRDecoder`).
        case viqr
        /// Detect (see `decode`).
        case auto
    }

    /// How much better than plain UTF-8 a rereading of valid UTF-8 (mojibake repair, VIQR) must score.
    static let rereadMargin = 0.1

    /// Decodes `bytes`; `chosen` is the encoding used (what `.auto` picked, or `encoding` itself).
    /// Output is NFC for the encodings that produce combining marks (CP1258, VNI, VIQR, TCVN3).
    ///
    /// `.auto` rule:
    /// 1. If the bytes are valid UTF-8: candidates are UTF-8 as is, its mojibake repair (if any run was
    ///    repaired) and, for pure ASCII, VIQR (if it changes anything). A rereading wins only when its
    ///    `EncodingScore` beats UTF-8's by `rereadMargin`, the best rereading first.
    /// 2. Otherwise each of TCVN3, VNI, VISCII, CP1258 that decodes without an invalid byte is scored and
    ///    the best wins (ties in that order). If none decodes, the UTF-8 error is thrown (or, with
    ///    `replaceInvalid`, the best of the replacing decodings wins).
    /// Scores are taken on the first `sampleBytes` (64 KiB); the winner decodes the whole input (if it
    /// then meets an invalid byte, the next best that decodes everything is used).
    ///
    /// Invalid bytes throw `LegacyDecodingError` with their offset unless `replaceInvalid`, which puts
    /// U+FFFD in their place.
    public static func decode(bytes: [UInt8], encoding: Encoding,
                              replaceInvalid: Bool = false) throws -> (text: String, chosen: Encoding) {
        switch encoding {
        case .auto: return try detect(bytes, replaceInvalid: replaceInvalid)
        default: return (try decodeAs(bytes, encoding, replaceInvalid: replaceInvalid), encoding)
        }
    }

    private static func decodeAs(_ bytes: [UInt8], _ encoding: Encoding,
                                 replaceInvalid: Bool) throws(LegacyDecodingError) -> String {
        switch encoding {
        case .utf8, .auto:
            return try UTF8Validation.decode(bytes, replaceInvalid: replaceInvalid)
        case .utf8Mojibake:
            return MojibakeRepair.repair(try UTF8Validation.decode(bytes, replaceInvalid: replaceInvalid)).text
        case .tcvn3:
            return composed(try IconvDecoder.decode(bytes, from: "TCVN5712-1", encoding: .tcvn3,
                                                          replaceInvalid: replaceInvalid))
        case .viscii:
            return try IconvDecoder.decode(bytes, from: "VISCII", encoding: .viscii, replaceInvalid: replaceInvalid)
        case .cp1258:
            return composed(try IconvDecoder.decode(bytes, from: "CP1258", encoding: .cp1258,
                                                          replaceInvalid: replaceInvalid))
        case .vni:
            return composed(try VNIWindowsDecoder.decode(bytes, replaceInvalid: replaceInvalid))
        case .viqr:
            return composed(VIQRDecoder.decode(try UTF8Validation.decode(bytes, replaceInvalid: replaceInvalid)))
        }
    }

    /// Bytes `.auto` scores: enough to decide; the winner then decodes the whole input.
    public static let sampleBytes = 1 << 16

    /// The first `sampleBytes` or so, ending before an ASCII byte, so no UTF-8 sequence, CP1258 letter +
    /// tone or VNI letter + mark is cut.
    private static func sample(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count > sampleBytes else { return bytes }
        var end = sampleBytes
        while end > 0 && bytes[end] >= 0x80 { end -= 1 }
        return Array(bytes[..<end])
    }

    /// NFC with shape marks before tone marks (`VietnameseAnalyzer.clean`), skipped when the text has
    /// no combining mark (U+0300–U+036F, UTF-8 lead bytes CC and CD), which is most TCVN3 output.
    private static func composed(_ text: String) -> String {
        var text = text
        let hasCombiningMark = text.withUTF8 { $0.contains { $0 == 0xCC || $0 == 0xCD } }
        return hasCombiningMark ? VietnameseAnalyzer().clean(text) : text
    }

    private static func detect(_ bytes: [UInt8], replaceInvalid: Bool) throws -> (text: String, chosen: Encoding) {
        let sample = sample(bytes)
        if UTF8Validation.firstInvalidOffset(bytes) == nil {
            let text = try UTF8Validation.decode(sample, replaceInvalid: false)
            var best: (encoding: Encoding, score: Double)?
            let repaired = MojibakeRepair.repair(text)
            if repaired.repairedRuns > 0 { best = (.utf8Mojibake, EncodingScore.score(repaired.text)) }
            if bytes.allSatisfy({ $0 < 0x80 }) {
                let viqr = try decodeAs(sample, .viqr, replaceInvalid: false)
                let score = EncodingScore.score(viqr)
                if viqr != text && score > best?.score ?? -1 { best = (.viqr, score) }
            }
            if let best, best.score > EncodingScore.score(text) + rereadMargin {
                return (try decodeAs(bytes, best.encoding, replaceInvalid: false), best.encoding)
            }
            return (try decodeAs(bytes, .utf8, replaceInvalid: false), .utf8)
        }
        let legacy: [Encoding] = [.tcvn3, .vni, .viscii, .cp1258]
        for candidate in rank(legacy, on: sample, replaceInvalid: false) {
            if let text = try? decodeAs(bytes, candidate, replaceInvalid: false) { return (text, candidate) }
        }
        if replaceInvalid, let candidate = rank(legacy + [.utf8], on: sample, replaceInvalid: true).first {
            return (try decodeAs(bytes, candidate, replaceInvalid: true), candidate)
        }
        _ = try UTF8Validation.decode(bytes, replaceInvalid: false)  // throws, naming the first invalid byte
        return (String(decoding: bytes, as: UTF8.self), .utf8)
    }

    /// The candidates that decode `sample`, best score first (ties keep the given order).
    private static func rank(_ candidates: [Encoding], on sample: [UInt8], replaceInvalid: Bool) -> [Encoding] {
        var scored: [(encoding: Encoding, score: Double, order: Int)] = []
        for (order, candidate) in candidates.enumerated() {
            guard let text = try? decodeAs(sample, candidate, replaceInvalid: replaceInvalid) else { continue }
            scored.append((candidate, EncodingScore.score(text), order))
        }
        return scored.sorted { ($0.score, -$0.order) > ($1.score, -$1.order) }.map(\.encoding)
    }
}
