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

    @Test("httpoxy and the body headers are dropped whatever the case of the param; only HTTP_HOST is the routing host")
    func droppedInAnyCase() throws {
        let head = try params([
            ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/"), ("HTTP_proxy", "http://evil"), ("HTTP_Content_Type", "text/x"),
            ("HTTP_host", "other.test"),
        ]).makeHead()
        #expect(head.headerFields[HTTPField.Name("proxy")!] == nil)
        #expect(head.headerFields[.contentType] == nil)
        #expect(head.authority == nil)
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
    func headerNameMapping() throws {
        func name(_ suffix: String) -> String? {
            var suffix = suffix
            return suffix.withUTF8 { CGIParams.headerName(fromParamSuffix: $0)?.rawName }
        }
        #expect(name("USER_AGENT") == "user-agent")
        #expect(name("X_REQUESTED_WITH") == "x-requested-with")
        #expect(name("") == nil)
        let head = try params([
            ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/"), ("HTTP_HOST", "a.test"), ("HTTP_COOKIE", "s=1"),
            ("HTTP_AUTHORIZATION", "Bearer k"), ("HTTP_USER_AGENT", "wrk"), ("HTTP_ACCEPT", "*/*"),
            ("HTTP_ACCEPT_ENCODING", "gzip"), ("HTTP_ACCEPT_LANGUAGE", "de"), ("HTTP_ORIGIN", "https://a.test"),
            ("HTTP_REFERER", "https://a.test/"), ("HTTP_CONNECTION", "keep-alive"), ("HTTP_X_CUSTOM", "x"),
        ]).makeHead()
        #expect(head.headerFields.map(\.name.rawName) == [
            "host", "cookie", "authorization", "user-agent", "accept", "accept-encoding", "accept-language", "origin",
            "referer", "connection", "x-custom",
        ])
        #expect(head.headerFields.map(\.value) == [
            "a.test", "s=1", "Bearer k", "wrk", "*/*", "gzip", "de", "https://a.test", "https://a.test/", "keep-alive", "x",
        ])
    }

    @Test("names match whole: a param that only starts like a known one is not it")
    func wholeNames() throws {
        let parsed = params([
            ("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/"), ("REQUEST_URI_X", "/evil"), ("HTTPSX", "on"),
            ("HTTP_HOSTX", "x"), ("HTTP_PROXYX", "p"), ("REQUEST_ID", ""), ("HTTP_", "empty"),
        ])
        #expect(parsed.requestID == nil)
        let head = try parsed.makeHead()
        #expect(head.path == "/")
        #expect(head.scheme == "http")
        #expect(head.authority == nil)
        #expect(head.headerFields.map(\.name.rawName) == ["hostx", "proxyx"])
    }

    @Test("values that are not UTF-8 are repaired, not dropped")
    func invalidUTF8() throws {
        var params = CGIParams()
        let name = Array("REQUEST_URI".utf8)
        let value: [UInt8] = [0x2F, 0xFF, 0x61]
        name.withUnsafeBufferPointer { name in value.withUnsafeBufferPointer { params.add(name: name, value: $0) } }
        params.method = "GET"
        #expect(try params.makeHead().path == "/\u{FFFD}a")
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
