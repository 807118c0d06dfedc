/// An issue's custom field values, by field key.
///
/// An issue holds a handful, so they are a short array searched by key rather
/// than a hash table: a portal list builds and reads twenty of these per
/// request, and creating, filling and probing a dictionary for each cost more
/// than parsing the values. Equality ignores order, as a dictionary's does.
public struct CustomFieldValues: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Entry: Sendable, Equatable {
        public let key: String
        public var value: JSONValue
    }

    private var entries: [Entry]

    public init() { entries = [] }

    /// The values in key order (a dictionary has none of its own).
    public init(_ values: [String: JSONValue]) {
        entries = values.sorted { $0.key < $1.key }.map { Entry(key: $0.key, value: $0.value) }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        entries = []
        for (key, value) in elements {
            let isNew = insertNew(key, value)
            precondition(isNew, "a key appears twice in a custom field values literal: \(key)")
        }
    }

    /// Room for `count` values without growing.
    init(capacity count: Int) {
        entries = []
        entries.reserveCapacity(count)
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }
    public var keys: [String] { entries.map(\.key) }

    /// The value of `key`; setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            let index = entries.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): entries[index].value = value
            case (let index?, nil): entries.remove(at: index)
            case (nil, let value?): entries.append(Entry(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Removes `key`'s value. (Spelled out: `JSONValue` is also expressible
    /// by `nil`, so a `nil` that is inferred as a JSON value stores `null`.)
    public mutating func removeValue(forKey key: String) {
        entries.removeAll { $0.key == key }
    }

    /// Adds `value` unless `key` already has one; false if it had.
    mutating func insertNew(_ key: String, _ value: JSONValue) -> Bool {
        guard !entries.contains(where: { $0.key == key }) else { return false }
        entries.append(Entry(key: key, value: value))
        return true
    }

    /// Drops the keys stored as JSON `null`: a null is no value.
    mutating func removeNulls() {
        entries.removeAll { $0.value == .null }
    }

    /// The values as a dictionary (a JSON object's members).
    public var dictionary: [String: JSONValue] {
        Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    public static func == (lhs: CustomFieldValues, rhs: CustomFieldValues) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }
}
