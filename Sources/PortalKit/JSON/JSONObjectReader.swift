/// Reads a JSON object key by key for a request body, collecting every problem
/// (missing, wrong type, out of range, unknown key) instead of stopping at the
/// first, so one 422 answer lists them all.
///
///     let body = try JSONObjectReader.body(of: request)
///     let name = body.requiredString("name", length: 1...200)
///     let externalID = body.optionalString("externalId", length: 1...200)
///     try body.finish()
public final class JSONObjectReader {
    public let object: [String: JSONValue]
    public let errors: FieldErrors
    private let path: String
    private var seen = Set<String>()

    public init(_ object: [String: JSONValue], path: String = "", errors: FieldErrors = FieldErrors()) {
        self.object = object
        self.path = path
        self.errors = errors
    }

    /// The field path as reported in errors: `footerSections[0].links[1].url`.
    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// Whether the body holds the key (even as null).
    public func has(_ key: String) -> Bool { object[key] != nil }

    /// The raw value of a key, marking it as known.
    public func raw(_ key: String) -> JSONValue? {
        seen.insert(key)
        return object[key]
    }

    public func fail(_ key: String, _ message: String) {
        errors.add(fieldPath(key), message)
    }

    // MARK: Strings

    /// A string that must be present and not null, its length (in characters, after
    /// trimming) within `length`.
    public func requiredString(_ key: String, length: ClosedRange<Int>) -> String? {
        switch raw(key) {
        case nil, .null?:
            fail(key, "is required")
            return nil
        case .string(let text)?:
            return check(text, key: key, length: length)
        case let other?:
            fail(key, "must be a string, not \(other.typeName)")
            return nil
        }
    }

    /// For create bodies: absent or null is nil.
    public func optionalString(_ key: String, length: ClosedRange<Int>) -> String? {
        switch patchString(key, length: length) {
        case .unchanged, .set(nil): return nil
        case .set(let text?): return text
        }
    }

    /// For updates: absent leaves the value unchanged, null clears it.
    public func patchString(_ key: String, length: ClosedRange<Int>) -> Patch<String?> {
        switch raw(key) {
        case nil: return .unchanged
        case .null?: return .set(nil)
        case .string(let text)?:
            guard let text = check(text, key: key, length: length) else { return .unchanged }
            return .set(text)
        case let other?:
            fail(key, "must be a string or null, not \(other.typeName)")
            return .unchanged
        }
    }

    /// For updates of a value that cannot be cleared: absent is unchanged, null is an error.
    public func patchRequiredString(_ key: String, length: ClosedRange<Int>) -> Patch<String> {
        guard has(key) else { _ = raw(key); return .unchanged }
        return requiredString(key, length: length).map(Patch.set) ?? .unchanged
    }

    private func check(_ text: String, key: String, length: ClosedRange<Int>) -> String? {
        let count = text.count
        if length.lowerBound > 0 && text.allSatisfy(\.isWhitespace) {
            fail(key, "must not be empty")
            return nil
        }
        if count < length.lowerBound {
            fail(key, "must be at least \(length.lowerBound) characters")
            return nil
        }
        if count > length.upperBound {
            fail(key, "must be at most \(length.upperBound) characters")
            return nil
        }
        if text.unicodeScalars.contains(where: { $0.value == 0 }) {
            fail(key, "must not contain NUL characters")
            return nil
        }
        return text
    }

    // MARK: Other types

    public func requiredInt(_ key: String) -> Int64? {
        switch raw(key) {
        case .int(let value)?: return value
        case nil, .null?:
            fail(key, "is required")
            return nil
        case let other?:
            fail(key, "must be an integer, not \(other.typeName)")
            return nil
        }
    }

    public func optionalInt(_ key: String) -> Patch<Int64?> {
        switch raw(key) {
        case nil: return .unchanged
        case .null?: return .set(nil)
        case .int(let value)?: return .set(value)
        case let other?:
            fail(key, "must be an integer, not \(other.typeName)")
            return .unchanged
        }
    }

    public func optionalBool(_ key: String) -> Bool? {
        switch raw(key) {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?:
            fail(key, "must be true or false, not \(other.typeName)")
            return nil
        }
    }

    /// An array of strings; nil when absent.
    public func stringArray(_ key: String, maxCount: Int, length: ClosedRange<Int>) -> [String]? {
        switch raw(key) {
        case nil: return nil
        case .array(let elements)?:
            if elements.count > maxCount {
                fail(key, "must have at most \(maxCount) entries")
                return nil
            }
            var result = [String]()
            var valid = true
            for (index, element) in elements.enumerated() {
                guard case .string(let text) = element else {
                    errors.add(fieldPath(key) + "[\(index)]", "must be a string")
                    valid = false
                    continue
                }
                if text.isEmpty || text.count > length.upperBound || text.count < length.lowerBound {
                    errors.add(fieldPath(key) + "[\(index)]", "must be \(length.lowerBound)–\(length.upperBound) characters")
                    valid = false
                    continue
                }
                result.append(text)
            }
            return valid ? result : nil
        case let other?:
            fail(key, "must be an array of strings, not \(other.typeName)")
            return nil
        }
    }

    public func requiredBool(_ key: String) -> Bool? {
        switch raw(key) {
        case .bool(let value)?: return value
        case nil, .null?:
            fail(key, "is required")
            return nil
        case let other?:
            fail(key, "must be true or false, not \(other.typeName)")
            return nil
        }
    }

    /// An array of objects, each read by its own reader (`key[0]`, `key[1]`, …).
    public func objectArray(_ key: String, maxCount: Int, required: Bool = true) -> [JSONObjectReader]? {
        switch raw(key) {
        case nil, .null?:
            if required { fail(key, "is required") }
            return nil
        case .array(let elements)?:
            guard elements.count <= maxCount else {
                fail(key, "must have at most \(maxCount) entries")
                return nil
            }
            var readers: [JSONObjectReader] = []
            for (index, element) in elements.enumerated() {
                guard case .object(let object) = element else {
                    errors.add(fieldPath(key) + "[\(index)]", "must be an object")
                    continue
                }
                readers.append(JSONObjectReader(object, path: fieldPath(key) + "[\(index)]", errors: errors))
            }
            return readers
        case let other?:
            fail(key, "must be an array, not \(other.typeName)")
            return nil
        }
    }

    /// A nested object, read by its own reader that reports into the same errors.
    public func nestedObject(_ key: String) -> JSONObjectReader? {
        switch raw(key) {
        case nil, .null?: return nil
        case .object(let object)?: return JSONObjectReader(object, path: fieldPath(key), errors: errors)
        case let other?:
            fail(key, "must be an object, not \(other.typeName)")
            return nil
        }
    }

    // MARK: Finishing

    /// Reports every key that no reader method asked for.
    public func rejectUnknownKeys(ignoring ignored: Set<String> = []) {
        for key in object.keys.sorted() where !seen.contains(key) && !ignored.contains(key) {
            fail(key, "is not a known field")
        }
    }

    /// Rejects unknown keys and throws a 422 listing every problem, if any.
    public func finish(ignoring ignored: Set<String> = []) throws(HTTPError) {
        rejectUnknownKeys(ignoring: ignored)
        try errors.throwIfAny()
    }
}

/// A change to one field of an update: absent from the body means unchanged.
public enum Patch<Value> {
    case unchanged
    case set(Value)

    public func apply(to value: inout Value) {
        if case .set(let newValue) = self { value = newValue }
    }

    public var newValue: Value? {
        if case .set(let value) = self { return value }
        return nil
    }
}

extension Patch: Sendable where Value: Sendable {}
extension Patch: Equatable where Value: Equatable {}

/// The problems found in one request, by field.
public final class FieldErrors {
    public private(set) var items: [FieldError] = []

    public init() {}

    public func add(_ field: String, _ message: String) {
        items.append(FieldError(field: field, message: message))
    }

    public var isEmpty: Bool { items.isEmpty }

    public func throwIfAny() throws(HTTPError) {
        if !items.isEmpty { throw HTTPError.validation(items) }
    }
}
