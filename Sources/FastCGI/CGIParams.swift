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

    /// Takes one `NAME=value` param.
    mutating func add(name: String, value: String) {
        switch name {
        case "REQUEST_METHOD": method = value
        case "REQUEST_SCHEME": scheme = value
        case "HTTPS": https = !value.isEmpty && value.lowercased() != "off"
        case "REQUEST_URI": requestURI = value
        case "DOCUMENT_URI": documentURI = value
        case "QUERY_STRING": queryString = value
        case "REMOTE_ADDR": remoteAddress = value
        case "REQUEST_ID": requestID = value.isEmpty ? nil : value
        case "SERVER_PORT": serverPort = value
        case "CONTENT_LENGTH":
            contentLength = Int(value)
            if !value.isEmpty { headerFields[.contentLength] = value }
        case "CONTENT_TYPE":
            if !value.isEmpty { headerFields[.contentType] = value }
        default:
            guard name.hasPrefix("HTTP_") else { return }
            if name == "HTTP_HOST" { host = value }
            switch name {
            case "HTTP_PROXY": return  // httpoxy: never a real header
            // nginx also passes the body headers as HTTP_*; the CGI names above
            // are the authoritative ones, and a second copy would make one
            // header with two values.
            case "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH": return
            default: break
            }
            if let fieldName = Self.headerName(fromParam: name) {
                headerFields.append(HTTPField(name: fieldName, value: value))
            }
        }
    }

    /// `HTTP_ACCEPT_LANGUAGE` → `accept-language`.
    static func headerName(fromParam name: String) -> HTTPField.Name? {
        var bytes = Array(name.utf8.dropFirst(5))
        guard !bytes.isEmpty else { return nil }
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
