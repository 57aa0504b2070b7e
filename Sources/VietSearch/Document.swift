/// A document to index: a unique id and named text fields (e.g. "title", "body").
/// Every field is stored verbatim and indexed with the Vietnamese analyser.
public struct Document: Sendable, Equatable {
    public var id: String
    /// Fields in the order given; names must be unique, non-empty and not "id".
    public var fields: [(name: String, value: String)]

    public init(id: String, fields: [(name: String, value: String)]) {
        self.id = id
        self.fields = fields
    }

    /// Convenience for the common case.
    public init(id: String, title: String, body: String) {
        self.init(id: id, fields: [("title", title), ("body", body)])
    }

    /// The value of the field named `name`, if present.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    public static func == (lhs: Document, rhs: Document) -> Bool {
        lhs.id == rhs.id && lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}
