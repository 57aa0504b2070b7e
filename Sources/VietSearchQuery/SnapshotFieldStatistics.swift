import VietSearchStorage

/// Per field name of a snapshot, its number in each segment and its summed live length: what `QueryWeight`
/// binds a field with, computed once per `QueryEngine` instead of on every query (per query it cost a
/// dictionary lookup of the name in every segment, an array and a sum, ~1.2k instructions a field,
/// callgrind). A snapshot never changes, so neither do these.
package struct SnapshotFieldStatistics: Sendable {
    struct Field: Sendable {
        let name: String
        /// The field's number in each segment, nil where a segment lacks it.
        let numbers: [UInt8?]
        /// The field's live lengths summed over the segments that have it.
        let sumOfLengths: UInt64

        /// The field `name` looked up in every segment (also `QueryWeight`'s fallback when it has no
        /// per-snapshot statistics).
        init(name: String, segments: [SegmentReader]) {
            var numbers: [UInt8?] = []
            numbers.reserveCapacity(segments.count)
            var sumOfLengths: UInt64 = 0
            for segment in segments {
                let number = segment.fieldNumber(named: name)
                numbers.append(number)
                if let number { sumOfLengths += segment.sumOfFieldLengths(field: number) }
            }
            self.name = name
            self.numbers = numbers
            self.sumOfLengths = sumOfLengths
        }
    }

    /// Every field of every segment, in order of first appearance (a handful: a linear scan of the names
    /// costs less than hashing one).
    private let fields: [Field]

    package init(segments: [SegmentReader]) {
        var names: [String] = []
        for segment in segments {
            for name in segment.fieldNames where !names.contains(name) { names.append(name) }
        }
        fields = names.map { Field(name: $0, segments: segments) }
    }

    /// The statistics of the field `name`, nil when no segment has it.
    func field(named name: String) -> Field? {
        for field in fields where field.name == name { return field }
        return nil
    }
}
