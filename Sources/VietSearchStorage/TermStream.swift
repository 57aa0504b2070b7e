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
            guard var current = iterator else { return false }
            let advanced = try current.next()
            iterator = current
            guard advanced else {
                iterator = nil
                continue
            }
            let key = current.key
            if key[0] < field { continue }
            if key[0] > field {
                block = dictionary.blockCount
                iterator = nil
                return false
            }
            term = Array(key[1...])
            info = current.info
            return true
        }
    }
}
