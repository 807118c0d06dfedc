#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes

/// An HTTP request as the application sees it: the head from the gateway, the
/// path already decoded and checked, the query parsed, the body in memory.
public struct Request: Sendable {
    public let head: HTTPRequest
    /// Percent-decoded path segments, without empty ones: `/api/v1/issues/` → `["api", "v1", "issues"]`.
    public let pathSegments: [String]
    /// The path as sent, without the query.
    public let rawPath: Substring
    public let query: QueryParameters
    /// The routing host: lower-cased, without port.
    public let host: String
    public let body: [UInt8]
    public let clientAddress: String
    /// Correlates the request's log line with the answer (`X-Request-Id`).
    public let id: String

    public var method: HTTPRequest.Method { head.method }
    public var headers: HTTPFields { head.headerFields }
    public var scheme: String { head.scheme ?? "http" }
    public var path: String { "/" + pathSegments.joined(separator: "/") }

    /// `https://acme.portal.example.net` (with the port when not the scheme's
    /// default): for links in emails and the audience of tokens.
    public var origin: String { scheme + "://" + (head.authority?.lowercased() ?? host) }

    /// Builds the request; a path that is not valid percent-encoded UTF-8, holds
    /// NUL bytes or `.`/`..` segments is refused with 400.
    public init(head: HTTPRequest, body: [UInt8] = [], clientAddress: String = "", id: String) throws(HTTPError) {
        self.head = head
        self.body = body
        self.clientAddress = clientAddress
        self.id = id
        // Bytes, not Characters: `?` and `/` are ASCII, and searching a
        // String by Character runs grapheme breaking over every byte.
        let target = head.path ?? "/"
        let queryStart = target.utf8.firstIndex(of: UInt8(ascii: "?"))
        let path = target[..<(queryStart ?? target.endIndex)]
        rawPath = path
        guard path.utf8.first == UInt8(ascii: "/") else { throw HTTPError(.badRequest, "The request path must start with /.") }
        let segments = path.utf8.withContiguousStorageIfAvailable(Self.segments)
            ?? Array(path.utf8).withUnsafeBufferPointer(Self.segments)
        pathSegments = try segments.get()
        if let queryStart {
            guard let query = QueryParameters(parsing: target[target.index(after: queryStart)...]) else {
                throw HTTPError(.badRequest, "The query string is not valid percent-encoded UTF-8.")
            }
            self.query = query
        } else {
            query = QueryParameters()
        }
        host = Self.routingHost(head.authority)
    }

    /// The decoded, non-empty segments of a path that starts with `/`. One
    /// pass over the bytes: walking Substring indices cost ~2 000
    /// instructions a segment.
    private static func segments(_ path: UnsafeBufferPointer<UInt8>) -> Result<[String], HTTPError> {
        var segments: [String] = []
        if path.count > 1 { segments.reserveCapacity(6) }  // one allocation, not one per doubling
        var start = 1
        while start < path.count {
            var end = start
            while end < path.count && path[end] != UInt8(ascii: "/") { end += 1 }
            defer { start = end + 1 }
            if end == start { continue }
            guard let segment = PercentDecoding.decode(UnsafeBufferPointer(rebasing: path[start..<end]), plusAsSpace: false) else {
                return .failure(HTTPError(.badRequest, "The request path is not valid percent-encoded UTF-8."))
            }
            if segment == "." || segment == ".." || segment.utf8.contains(where: isForbiddenInSegment) {
                return .failure(HTTPError(.badRequest, "The request path holds a forbidden segment."))
            }
            segments.append(segment)
        }
        return .success(segments)
    }

    /// NUL, and slashes that arrived percent-encoded.
    private static func isForbiddenInSegment(_ byte: UInt8) -> Bool {
        byte == 0 || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\")
    }

    /// `Acme.Portal.localhost:8080` → `acme.portal.localhost`.
    static func routingHost(_ authority: String?) -> String {
        guard let authority, !authority.isEmpty else { return "" }
        // nginx already passes `$host` lower-cased without a port: keep it as it is.
        if isRoutingHost(authority) { return authority }
        var host = authority.lowercased()
        if host.hasPrefix("[") {
            if let close = host.firstIndex(of: "]") { host = String(host[...close]) }
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }

    /// Whether `routingHost` would return this text unchanged: no upper-case
    /// letter, port, bracket or trailing dot.
    private static func isRoutingHost(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.last != UInt8(ascii: ".")
            && !text.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "[") }
    }

    /// A header's value. A scan that returns the stored value: HTTPFields'
    /// own subscript joins values into a new string even when there is one.
    /// (nginx already merges repeated request headers into one parameter.)
    public func header(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in head.headerFields where field.name == name {
            if found != nil { return head.headerFields[name] } // repeated: joined, as HTTP defines
            found = field.value
        }
        return found
    }

    /// The value of one cookie, parsed from the `Cookie` header(s).
    /// Cookie names and values are ASCII tokens, so this works on bytes.
    public func cookie(_ name: String) -> String? {
        var name = name
        return name.withUTF8 { wanted in
            for field in head.headerFields where field.name == .cookie {
                var header = field.value
                if let value = header.withUTF8({ Self.cookieValue(wanted, in: $0) }) { return value }
            }
            return nil
        }
    }

    /// One pass over `a=1; b="2"`, no intermediate arrays.
    private static func cookieValue(_ wanted: UnsafeBufferPointer<UInt8>, in header: UnsafeBufferPointer<UInt8>) -> String? {
        guard !wanted.isEmpty else { return nil }
        var start = 0
        while start < header.count {
            var end = start
            while end < header.count && header[end] != UInt8(ascii: ";") { end += 1 }
            var nameStart = start
            while nameStart < end && header[nameStart] == UInt8(ascii: " ") { nameStart += 1 }
            var equals = nameStart
            while equals < end && header[equals] != UInt8(ascii: "=") { equals += 1 }
            if equals < end, equals - nameStart == wanted.count,
               memcmp(header.baseAddress! + nameStart, wanted.baseAddress!, wanted.count) == 0 {
                var valueStart = equals + 1
                var valueEnd = end
                if valueEnd - valueStart >= 2, header[valueStart] == UInt8(ascii: "\""), header[valueEnd - 1] == UInt8(ascii: "\"") {
                    valueStart += 1
                    valueEnd -= 1
                }
                return String(decoding: UnsafeBufferPointer(rebasing: header[valueStart..<valueEnd]), as: UTF8.self)
            }
            start = end + 1
        }
        return nil
    }

    /// The media type of the body without parameters, lower-cased (`application/json`).
    public var mediaType: String? {
        guard let contentType = header(.contentType) else { return nil }
        let utf8 = contentType.utf8
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
        guard let start = utf8[..<end].firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8[start..<end].lastIndex(where: { !isSpace($0) })!
        return contentType[start...last].lowercased()
    }

    /// Whether the request is for an API path (answered in JSON) rather than a page.
    public var wantsJSON: Bool {
        guard let first = pathSegments.first else { return false }
        return first == "api" || first == "internal"
    }

    /// The body as a JSON object reader; 415 for another media type, 400 for
    /// malformed JSON, 422 when the top level is not an object.
    public func jsonObjectBody() throws(HTTPError) -> JSONObjectReader {
        guard mediaType == "application/json" else {
            throw HTTPError(.unsupportedMediaType, "Send the body as application/json.")
        }
        guard !body.isEmpty else { throw HTTPError(.invalidJSON, "The request body is empty; a JSON object is expected.") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            throw HTTPError(.invalidJSON, "The request body is not valid JSON: \(error.description)")
        }
        guard case .object(let object) = value else {
            throw HTTPError.validation("body", "must be a JSON object, not \(value.typeName)")
        }
        return JSONObjectReader(object)
    }
}
