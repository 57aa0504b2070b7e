/// Builds a token's exact and folded keys from its cleaned scalars, reusing scratch buffers so that
/// keying a token allocates nothing beyond the two key strings (which are usually small enough to be
/// stored inline by `String`).
struct KeyBuilder {
    let tables: AnalysisTables
    let tonePlacement: TonePlacement
    /// The token's scalars, lowercased.
    private var letters: [UInt32] = []
    private var bytes: [UInt8] = []
    private var hasDigit = false
    private var hasNonASCIILetter = false
    private var hasNonASCII = false

    init(tables: AnalysisTables) {
        self.tables = tables
        self.tonePlacement = TonePlacement(tables: tables)
        letters.reserveCapacity(64)
        bytes.reserveCapacity(128)
    }

    mutating func reset() {
        letters.removeAll(keepingCapacity: true)
        hasDigit = false
        hasNonASCIILetter = false
        hasNonASCII = false
    }

    @inline(__always) mutating func add(_ scalar: UInt32, _ kind: ScalarKind) {
        if scalar < 0x80 {
            letters.append(scalar &- 0x41 < 26 ? scalar + 0x20 : scalar)
            if kind == .digit { hasDigit = true }
        } else {
            letters.append(tables.lowercased(scalar))
            hasNonASCII = true
            if kind == .letter { hasNonASCIILetter = true }
        }
    }

    /// The keys of the scalars added since `reset()`. Tokens with a digit are numbers or codes: their
    /// folded key only loses marks (no i/y unification) and their tone marks are not moved.
    mutating func finish() -> (exact: String, folded: String, hasNonASCIILetter: Bool) {
        if hasNonASCIILetter && !hasDigit { tonePlacement.canonicalize(&letters) }
        bytes.removeAll(keepingCapacity: true)
        for scalar in letters { UTF8Encoding.append(scalar, to: &bytes) }
        let exact = String(decoding: bytes, as: UTF8.self)
        guard hasNonASCII || !hasDigit else { return (exact, exact, false) }
        if hasNonASCII {
            bytes.removeAll(keepingCapacity: true)
            for scalar in letters where !(0x0300...0x036F).contains(scalar) {
                UTF8Encoding.append(tables.folded(scalar), to: &bytes)
            }
        }
        if !hasDigit { unifyFinalY(&bytes) }
        return (exact, String(decoding: bytes, as: UTF8.self), hasNonASCIILetter)
    }

    /// VIETNAMESE.md §4: an open syllable consonant + `y` folds to consonant + `i` (`ky` → `ki`,
    /// `quy` → `qui`, `ty` → `ti`), but `y` alone and diphthongs like `uy`, `ay` stay.
    private func unifyFinalY(_ bytes: inout [UInt8]) {
        let count = bytes.count
        guard count >= 2, count <= 4, bytes[count - 1] == 0x79 else { return }
        let isCluster: Bool
        switch count - 1 {
        case 1:
            isCluster = [0x62, 0x63, 0x64, 0x67, 0x68, 0x6B, 0x6C, 0x6D, 0x6E, 0x70, 0x72, 0x73, 0x74, 0x76, 0x78]
                .contains(bytes[0])
        case 2:
            let pair = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
            isCluster = [0x6368, 0x6768, 0x6B68, 0x6E67, 0x6E68, 0x7068, 0x7175, 0x7468, 0x7472].contains(pair)
        default:
            isCluster = bytes[0] == 0x6E && bytes[1] == 0x67 && bytes[2] == 0x68
        }
        if isCluster { bytes[count - 1] = 0x69 }
    }
}
