import HTTPTypes

/// The request head rebuilt from CGI params (RFC 3875 names, as nginx sends them).
///
/// libfcgi's own `FCGX_GetParam` is a linear scan whose pointers die at the next
/// accept, so the params are copied once, here, into typed values.
struct CGIParams {
    var method = ""
    var scheme: String?
    var https = false
    var host: String?
    var serverPort: String?
    var requestURI: String?
    var documentURI: String?
    var queryString: String?
    var contentLength: Int?
    var remoteAddress = ""
    var requestID: String?
    var headerFields = HTTPFields()

    enum Malformed: Error, Equatable {
        case method(String)
        case missingPath
    }

    /// Takes one `NAME=value` param, as the bytes libfcgi holds. Names are
    /// matched as bytes and only the values kept become Strings: making a
    /// String of every name and value, then switching over the names, cost
    /// ~30 k instructions a request — a fifth of a settings read.
    mutating func add(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        if name.count > 5 && Self.matches(name[..<5], "HTTP_") {
            addHeader(name: UnsafeBufferPointer(rebasing: name[5...]), value: value)
            return
        }
        guard let param = Self.params.first(where: { Self.matches(name[...], $0.name) })?.param else { return }
        let text = String(decoding: value, as: UTF8.self)
        switch param {
        case .requestMethod: method = text
        case .requestScheme: scheme = text
        case .https: https = !text.isEmpty && text.lowercased() != "off"
        case .requestURI: requestURI = text
        case .documentURI: documentURI = text
        case .queryString: queryString = text
        case .remoteAddress: remoteAddress = text
        case .requestID: requestID = text.isEmpty ? nil : text
        case .serverPort: serverPort = text
        case .contentLength:
            contentLength = Int(text)
            if !text.isEmpty { headerFields[.contentLength] = text }
        case .contentType:
            if !text.isEmpty { headerFields[.contentType] = text }
        }
    }

    /// The same, for callers holding Strings (tests).
    mutating func add(name: String, value: String) {
        var name = name
        var value = value
        name.withUTF8 { name in value.withUTF8 { value in add(name: name, value: value) } }
    }

    /// `HTTP_<NAME>`: a request header, except the few below.
    private mutating func addHeader(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        let fieldName: HTTPField.Name
        let text: String
        if let known = Self.knownHeaders.first(where: { Self.matches(name[...], $0.param) }) {
            fieldName = known.field
            text = String(decoding: value, as: UTF8.self)
            // The routing host: nginx's `$host`, always sent as HTTP_HOST.
            if Self.matches(name[...], "HOST") { host = text }
        } else {
            guard let name = Self.headerName(fromParamSuffix: name) else { return }
            // httpoxy: a Proxy header is never a real one. And nginx also
            // passes the body headers as HTTP_*, where the CGI names are the
            // authoritative ones and a second copy would make one header with
            // two values. Compared as field names, so in any case.
            if Self.droppedHeaders.contains(name) { return }
            fieldName = name
            text = String(decoding: value, as: UTF8.self)
        }
        headerFields.append(HTTPField(name: fieldName, value: text))
    }

    private enum Param {
        case requestMethod, requestScheme, https, requestURI, documentURI, queryString, remoteAddress, requestID,
             serverPort, contentLength, contentType
    }

    /// The params read; any other param a web server sends (SERVER_NAME, REMOTE_PORT, …) is skipped unread.
    private static let params: [(name: StaticString, param: Param)] = [
        ("REQUEST_METHOD", .requestMethod), ("REQUEST_URI", .requestURI), ("QUERY_STRING", .queryString),
        ("DOCUMENT_URI", .documentURI), ("REQUEST_SCHEME", .requestScheme), ("HTTPS", .https),
        ("REMOTE_ADDR", .remoteAddress), ("REQUEST_ID", .requestID), ("SERVER_PORT", .serverPort),
        ("CONTENT_LENGTH", .contentLength), ("CONTENT_TYPE", .contentType),
    ]

    /// The headers most requests carry, named once (lower-case, as every
    /// other header name made from a param).
    private static let knownHeaders: [(param: StaticString, field: HTTPField.Name)] = [
        ("HOST", HTTPField.Name("host")!), ("COOKIE", HTTPField.Name("cookie")!), ("AUTHORIZATION", HTTPField.Name("authorization")!),
        ("USER_AGENT", HTTPField.Name("user-agent")!), ("ACCEPT", HTTPField.Name("accept")!),
        ("ACCEPT_ENCODING", HTTPField.Name("accept-encoding")!), ("ACCEPT_LANGUAGE", HTTPField.Name("accept-language")!),
        ("ORIGIN", HTTPField.Name("origin")!), ("REFERER", HTTPField.Name("referer")!),
        ("CONNECTION", HTTPField.Name("connection")!),
    ]

    private static let droppedHeaders: [HTTPField.Name] = [HTTPField.Name("proxy")!, .contentType, .contentLength]

    private static func matches(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount
            && bytes.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// `ACCEPT_LANGUAGE` (after `HTTP_`) → `accept-language`.
    static func headerName(fromParamSuffix suffix: UnsafeBufferPointer<UInt8>) -> HTTPField.Name? {
        guard !suffix.isEmpty else { return nil }
        var bytes = Array(suffix)
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "_"): bytes[index] = UInt8(ascii: "-")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes[index] += 32
            default: break
            }
        }
        return HTTPField.Name(String(decoding: bytes, as: UTF8.self))
    }

    func makeHead() throws(Malformed) -> HTTPRequest {
        guard let method = HTTPRequest.Method(method) else { throw .method(method) }
        let path: String
        if let requestURI, !requestURI.isEmpty {
            path = requestURI
        } else if let documentURI, !documentURI.isEmpty {
            path = (queryString ?? "").isEmpty ? documentURI : documentURI + "?" + queryString!
        } else {
            throw .missingPath
        }
        let scheme = self.scheme ?? (https ? "https" : "http")
        // The host nginx passes has no port; the port the request came in on
        // is added unless it is the scheme's default, so links can be built.
        var authority = host
        if let host, let serverPort, !serverPort.isEmpty,
           !(scheme == "https" && serverPort == "443"), !(scheme == "http" && serverPort == "80") {
            authority = host + ":" + serverPort
        }
        return HTTPRequest(method: method, scheme: scheme, authority: authority, path: path, headerFields: headerFields)
    }
}
