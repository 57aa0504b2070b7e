import XCTest
@testable import VietSearchAnalysis

/// The lookup tables against Swift's own canonical equivalence (`String ==` compares canonically), an
/// independent check of the generated composition data and the hand-typed vowel table.
final class TablesTests: XCTestCase {
    private func string(_ values: UInt32...) -> String {
        String(String.UnicodeScalarView(values.compactMap(Unicode.Scalar.init)))
    }

    func testEveryCompositionIsCanonicallyEquivalent() {
        let triples = LatinCompositionTable.compositions
        XCTAssertEqual(triples.count % 3, 0)
        XCTAssertGreaterThan(triples.count / 3, 600)
        for index in stride(from: 0, to: triples.count, by: 3) {
            XCTAssertEqual(string(triples[index], triples[index + 1]), string(triples[index + 2]),
                           String(triples[index + 2], radix: 16))
        }
    }

    func testEveryDecompositionIsCanonicallyEquivalent() {
        let triples = LatinCompositionTable.decompositions
        for index in stride(from: 0, to: triples.count, by: 3) {
            XCTAssertEqual(string(triples[index]), string(triples[index + 1], triples[index + 2]))
        }
    }

    func testVowelTableHasTwelveRowsOfSixTones() {
        let tones: [UInt32] = [0x301, 0x300, 0x309, 0x303, 0x323]
        XCTAssertEqual(VietnameseVowels.rows.count, 12)
        for row in VietnameseVowels.rows {
            let scalars = row.unicodeScalars.map(\.value)
            XCTAssertEqual(scalars.count, 6, row)
            for (tone, mark) in tones.enumerated() {
                XCTAssertEqual(string(scalars[tone + 1]), string(scalars[0], mark), row)
            }
        }
    }

    func testAllVietnameseLettersAreKnown() {
        // 134 non-ASCII letters (VIETNAMESE.md §1): the 72 toned/shaped vowels minus the 6 plain ASCII
        // ones, in both cases, plus Đ and đ.
        let tables = AnalysisTables.shared
        var letters = Set<UInt32>()
        for row in VietnameseVowels.rows {
            for scalar in row.unicodeScalars where scalar.value >= 0x80 {
                letters.insert(scalar.value)
                let upper = scalar.properties.uppercaseMapping.unicodeScalars
                XCTAssertEqual(upper.count, 1)
                if let value = upper.first?.value {
                    letters.insert(value)
                    XCTAssertEqual(tables.lowercased(value), scalar.value)
                }
            }
        }
        letters.formUnion([0x110, 0x111])
        XCTAssertEqual(letters.count, 134)
        for letter in letters {
            XCTAssertEqual(tables.kind(of: letter), .letter)
            XCTAssertLessThan(tables.folded(tables.lowercased(letter)), 0x80)
        }
    }
}
