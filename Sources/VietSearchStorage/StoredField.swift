/// One stored (name, value) pair of a document, returned exactly as it was given.
package struct StoredField: Hashable, Sendable {
    package var name: String
    package var value: String

    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
