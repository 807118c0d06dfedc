/// Checks a value for a typed field (a custom field or a portal form field) and
/// returns it in its stored form, or a message for the client.
public enum FieldValue {
    public static let maximumTextLength = 10_000

    public static func validate(_ value: JSONValue, type: FieldType, options: [String]) -> Result<JSONValue, FieldValueError> {
        func fail(_ message: String) -> Result<JSONValue, FieldValueError> { .failure(FieldValueError(message: message)) }
        switch type {
        case .text, .textarea:
            guard case .string(let text) = value else { return fail("must be text") }
            let limit = type == .text ? 500 : maximumTextLength
            guard text.count <= limit else { return fail("must be at most \(limit) characters") }
            return .success(value)
        case .number:
            guard case .int = value else { return fail("must be a whole number") }
            return .success(value)
        case .decimal:
            switch value {
            case .int, .double: return .success(value)
            default: return fail("must be a number")
            }
        case .boolean:
            guard case .bool = value else { return fail("must be true or false") }
            return .success(value)
        case .date:
            guard case .string(let text) = value, Timestamp.date(text) != nil else {
                return fail("must be a date written YYYY-MM-DD")
            }
            return .success(value)
        case .url:
            guard case .string(let text) = value, WebURL.isHTTP(text) else { return fail("must be an http(s) URL") }
            return .success(value)
        case .email:
            guard case .string(let text) = value, let email = EmailAddress(text) else { return fail("must be an email address") }
            return .success(.string(email.value))
        case .select:
            guard case .string(let text) = value, options.contains(text) else {
                return fail("must be one of: \(options.joined(separator: ", "))")
            }
            return .success(value)
        case .multiSelect:
            guard case .array(let items) = value else { return fail("must be a list of options") }
            var chosen: [JSONValue] = []
            for item in items {
                guard case .string(let text) = item, options.contains(text) else {
                    return fail("may only hold: \(options.joined(separator: ", "))")
                }
                if !chosen.contains(item) { chosen.append(item) }
            }
            return .success(.array(chosen))
        }
    }
}

public struct FieldValueError: Error, Equatable {
    public let message: String
}

/// URL checks for values customers and operators type in.
public enum WebURL {
    /// An absolute `http://` or `https://` URL with a host, no spaces or control
    /// characters: refuses `javascript:`, `data:`, relative and protocol-relative.
    public static func isHTTP(_ text: String, requireHTTPS: Bool = false) -> Bool {
        let lowered = text.lowercased()
        let schemeLength: Int
        if lowered.hasPrefix("https://") {
            schemeLength = 8
        } else if lowered.hasPrefix("http://") && !requireHTTPS {
            schemeLength = 7
        } else {
            return false
        }
        guard text.utf8.count <= 2048,
              !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" || $0 == "\"" || $0 == "<" || $0 == ">" })
        else { return false }
        let rest = lowered.dropFirst(schemeLength)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@").last.map { $0.split(separator: ":").first ?? "" } ?? ""
        return !host.isEmpty
    }
}
