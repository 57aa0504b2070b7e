/// Walks the terms of one field of a segment in key order, across term blocks (for merging).
struct TermStream {
    private let dictionary: TermDictionary
    private let field: UInt8
    private var block: Int
    private var iterator: TermBlockIterator?
    /// Current term bytes (without the field byte) and info; valid after `next()` returned true.
    private(set) var term: [UInt8] = []
    private(set) var info = TermInfo(documentFrequency: 0, totalTermFrequency: 0, postingsOffset: 0, positionsOffset: 0)

    init(dictionary: TermDictionary, field: UInt8) throws {
        self.dictionary = dictionary
        self.field = field
        block = try dictionary.blockContaining([field]) ?? 0
    }

    /// Moves to the next term of the field; false at the end of the field.
    mutating func next() throws -> Bool {
        while true {
            if iterator == nil {
                guard block < dictionary.blockCount else { return false }
                iterator = try dictionary.iterator(block: block)
                block += 1
            }
            // Optional chaining mutates the iterator in place (no copy of its key buffer).
            guard let advanced = try iterator?.next(), advanced, let current = iterator?.keyFieldByte else {
                iterator = nil
                continue
            }
            if current < field { continue }
            if current > field {
                block = dictionary.blockCount
                iterator = nil
                return false
            }
            iterator?.copyTermBytes(into: &term)
            if let info = iterator?.info { self.info = info }
            return true
        }
    }
}
