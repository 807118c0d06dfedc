/// An `application/x-www-form-urlencoded` body, as the browser sent it: names
/// in order, repeats kept. Pages post these; nothing here needs JavaScript.
public struct FormData: Sendable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(pairs: [(String, String)] = []) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Nil when the body is not valid percent-encoded UTF-8.
    public init?(body: [UInt8]) {
        guard let text = String(validating: body, as: UTF8.self),
              let query = QueryParameters(parsing: Substring(text)) else { return nil }
        pairs = query.names.indices.map { index in (name: query.names[index], value: query.values[index]) }
    }

    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
}

extension Request {
    /// The form body of a page post: 415 for another media type, 400 when malformed.
    public func formBody() throws(HTTPError) -> FormData {
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw HTTPError(.unsupportedMediaType, "Send the form as application/x-www-form-urlencoded.")
        }
        guard let form = FormData(body: body) else { throw HTTPError(.badRequest, "The form data could not be read.") }
        return form
    }
}
