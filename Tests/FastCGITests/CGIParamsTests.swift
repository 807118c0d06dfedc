import HTTPTypes
import Testing
@testable import FastCGI

@Suite("FastCGI params become a typed HTTP request head")
struct CGIParamsTests {
    func params(_ pairs: [(String, String)]) -> CGIParams {
        var params = CGIParams()
        for (name, value) in pairs { params.add(name: name, value: value) }
        return params
    }

    @Test("method, raw request URI, scheme and host are taken from the params")
    func buildsTheHead() throws {
        let head = try params([
            ("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/api/v1/issues?limit=5"), ("REQUEST_SCHEME", "https"),
            ("HTTP_HOST", "acme.portal.localhost"), ("CONTENT_TYPE", "application/json"), ("CONTENT_LENGTH", "12"),
        ]).makeHead()
        #expect(head.method == .post)
        #expect(head.path == "/api/v1/issues?limit=5")
        #expect(head.scheme == "https")
        #expect(head.authority == "acme.portal.localhost")
        #expect(head.headerFields[.contentType] == "application/json")
        #expect(head.headerFields[.contentLength] == "12")
    }

    @Test("HTTP_* params become header fields; HTTP_PROXY never does (httpoxy)")
    func headerFields() throws {
        let head = try params([
            ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/"), ("HTTP_ACCEPT_LANGUAGE", "de"),
            ("HTTP_X_FORWARDED_FOR", "10.0.0.1"), ("HTTP_PROXY", "http://evil"), ("SERVER_NAME", "ignored"),
        ]).makeHead()
        #expect(head.headerFields[HTTPField.Name("accept-language")!] == "de")
        #expect(head.headerFields[HTTPField.Name("x-forwarded-for")!] == "10.0.0.1")
        #expect(head.headerFields[HTTPField.Name("proxy")!] == nil)
        #expect(head.headerFields.count == 2)
    }

    @Test("the body headers come from CONTENT_TYPE/CONTENT_LENGTH only, never twice (nginx sends both)")
    func bodyHeadersOnce() throws {
        let head = try params([
            ("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/"), ("CONTENT_TYPE", "application/json"), ("CONTENT_LENGTH", "2"),
            ("HTTP_CONTENT_TYPE", "application/json"), ("HTTP_CONTENT_LENGTH", "2"),
        ]).makeHead()
        #expect(head.headerFields[values: .contentType] == ["application/json"])
        #expect(head.headerFields[values: .contentLength] == ["2"])
    }

    @Test("HTTPS=on means https when REQUEST_SCHEME is absent")
    func httpsFlag() throws {
        #expect(try params([("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/"), ("HTTPS", "on")]).makeHead().scheme == "https")
        #expect(try params([("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/")]).makeHead().scheme == "http")
    }

    @Test("without REQUEST_URI the path is DOCUMENT_URI plus QUERY_STRING")
    func documentURIFallback() throws {
        let head = try params([("REQUEST_METHOD", "GET"), ("DOCUMENT_URI", "/a"), ("QUERY_STRING", "b=1")]).makeHead()
        #expect(head.path == "/a?b=1")
    }

    @Test("an invalid method or a missing path is malformed")
    func malformed() {
        #expect(throws: CGIParams.Malformed.self) { try params([("REQUEST_METHOD", "GE T"), ("REQUEST_URI", "/")]).makeHead() }
        #expect(throws: CGIParams.Malformed.missingPath) { try params([("REQUEST_METHOD", "GET")]).makeHead() }
    }

    @Test("param names map to lower-case dashed header names")
    func headerNameMapping() {
        #expect(CGIParams.headerName(fromParam: "HTTP_USER_AGENT")?.rawName == "user-agent")
        #expect(CGIParams.headerName(fromParam: "HTTP_") == nil)
    }
}

@Suite("Responses are written CGI-style")
struct CGIResponseHeadTests {
    @Test("a Status header, the fields, a Content-Length and a blank line")
    func writesHead() {
        var buffer = [UInt8]()
        CGIResponseHead.append(HTTPResponse(status: .notFound, headerFields: [.contentType: "text/plain"]), contentLength: 42, to: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(text.hasPrefix("Status: 404 Not Found\r\n"))
        #expect(text.contains("Content-Type: text/plain\r\n"))
        #expect(text.contains("Content-Length: 42\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test("decimal digits are written exactly", arguments: [0, 7, 10, 99, 1_000, 1_234_567, Int(Int32.max)])
    func decimals(_ value: Int) {
        var buffer = [UInt8]()
        CGIResponseHead.appendDecimal(value, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == String(value))
    }
}
