import HTTPTypes
import Testing
@testable import PortalKit

@Suite("A request's path, query, host and cookies are parsed once, strictly")
struct RequestTests {
    func request(_ path: String, host: String? = "app.localhost", headers: HTTPFields = [:]) throws(HTTPError) -> Request {
        try Request(head: HTTPRequest(method: .get, scheme: "https", authority: host, path: path, headerFields: headers), id: "t")
    }

    @Test("segments are percent-decoded; empty segments are dropped")
    func segments() throws {
        let parsed = try request("/api/v1//issues/ISS%2D1/?x=1")
        #expect(parsed.pathSegments == ["api", "v1", "issues", "ISS-1"])
        #expect(parsed.rawPath == "/api/v1//issues/ISS%2D1/")
        #expect(parsed.query["x"] == "1")
        #expect(try request("/caf%C3%A9/\u{e9}t\u{e9}/%41+b").pathSegments == ["caf\u{e9}", "\u{e9}t\u{e9}", "A+b"])
    }

    @Test("dot segments, NUL bytes, encoded slashes and bad escapes are refused", arguments: [
        "/a/../b", "/a/%2e%2e/b", "/a/./b", "/a%00b", "/a%2fb", "/a%5cb", "/a%zz", "/%ff", "relative", "/a%", "/a%4", "/%C3",
    ])
    func refused(_ path: String) {
        #expect(throws: HTTPError.self) { try request(path) }
    }

    @Test("the query keeps repeats, decodes + and %, and refuses bad escapes")
    func query() throws {
        let parsed = try request("/s?q=a+b%26c&tag=x&tag=y&empty=&flag")
        #expect(parsed.query["q"] == "a b&c")
        #expect(parsed.query.all("tag") == ["x", "y"])
        #expect(parsed.query["empty"] == "")
        #expect(parsed.query["flag"] == "")
        #expect(throws: HTTPError.self) { try request("/s?q=%G0") }
    }

    @Test("a segment ends at every slash, even one followed by a combining mark")
    func slashBeforeCombiningMark() throws {
        // As Characters, "/\u{301}" is one grapheme and a Character split would miss the slash.
        #expect(try request("/a/\u{301}b/c").pathSegments == ["a", "\u{301}b", "c"])
        #expect(try request("/").pathSegments == [])
        #expect(try request("/?").pathSegments == [])
    }

    @Test("the routing host is lower-cased without port or trailing dot", arguments: [
        ("Acme.Portal.LOCALHOST:8080", "acme.portal.localhost"), ("example.com.", "example.com"), ("[::1]:8080", "[::1]"),
        ("acme.portal.localhost", "acme.portal.localhost"), ("a:1", "a"), ("A", "a"),
    ])
    func host(_ authority: String, _ expected: String) throws {
        #expect(try request("/", host: authority).host == expected)
    }

    @Test("a header's value is found case-insensitively; repeated headers are joined as HTTP defines")
    func headers() throws {
        var fields: HTTPFields = [.origin: "https://a", .accept: "text/html"]
        fields.append(HTTPField(name: .accept, value: "application/json"))
        let parsed = try request("/", headers: fields)
        #expect(parsed.header(.origin) == "https://a")
        #expect(parsed.header(HTTPField.Name("ORIGIN")!) == "https://a")
        #expect(parsed.header(.accept) == "text/html, application/json")
        #expect(parsed.header(.authorization) == nil)
    }

    @Test("cookies are found by exact name")
    func cookies() throws {
        let parsed = try request("/", headers: [.cookie: "a=1; woes_portal_session=abc; woes_portal_session_x=no"])
        #expect(parsed.cookie("woes_portal_session") == "abc")
        #expect(parsed.cookie("a") == "1")
        #expect(parsed.cookie("missing") == nil)
        #expect(parsed.cookie("woes_portal") == nil)
        var split = HTTPFields()
        split.append(HTTPField(name: .cookie, value: "a=1"))
        split.append(HTTPField(name: .cookie, value: "b=2"))
        #expect(try request("/", headers: split).cookie("b") == "2")
        let odd = try request("/", headers: [.cookie: ";;  a=;b==c; =d;e"])
        #expect(odd.cookie("a") == "")
        #expect(odd.cookie("b") == "=c")
        #expect(odd.cookie("e") == nil)
        #expect(odd.cookie("") == nil)
        let quoted = try request("/", headers: [.cookie: "x=\"q v\";y=\"\""])
        #expect(quoted.cookie("x") == "q v")
        #expect(quoted.cookie("y") == "")
    }

    @Test("JSON bodies: wrong media type 415, broken JSON 400, not an object 422")
    func jsonBodies() throws {
        func body(_ text: String, type: String? = "application/json; charset=utf-8") throws(HTTPError) -> JSONObjectReader {
            var headers = HTTPFields()
            if let type { headers[.contentType] = type }
            return try Request(head: HTTPRequest(method: .post, scheme: "https", authority: "a", path: "/", headerFields: headers),
                               body: Array(text.utf8), id: "t").jsonObjectBody()
        }
        #expect(throws: HTTPError(.unsupportedMediaType, "Send the body as application/json.")) { try body("{}", type: "text/plain") }
        #expect(throws: HTTPError.self) { try body("{}", type: nil) }
        var caught: HTTPError?
        do { _ = try body("{\"a\":") } catch { caught = error }
        #expect(caught?.code == .invalidJSON)
        do { _ = try body("[1]") } catch { caught = error }
        #expect(caught?.code == .validationFailed)
        #expect(try body(#"{"a": 1}"#).object["a"] == 1)
    }

    @Test("the media type is the part before parameters, trimmed and lower-cased", arguments: [
        ("application/json", "application/json"), (" Application/JSON ; charset=utf-8", "application/json"),
        ("text/plain;", "text/plain"), ("\tapplication/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
        ("  ", ""), (";x", ""),
    ])
    func mediaType(_ header: String, _ expected: String) throws {
        #expect(try request("/", headers: [.contentType: header]).mediaType == expected)
        #expect(try request("/").mediaType == nil)
    }

    @Test("an Origin is same-origin only with this scheme and host, any case, any port", arguments: [
        ("https://app.localhost", true), ("HTTPS://App.Localhost:443", true), ("https://app.localhost.", true),
        ("http://app.localhost", false), ("https://app.localhost.evil", false), ("https://evil.app.localhost", false),
        ("https:/app.localhost", false), ("app.localhost", false), ("null", false), ("", false),
    ])
    func sameOrigin(_ origin: String, _ expected: Bool) throws {
        #expect(CSRFGuard.isSameOrigin(origin, request: try request("/")) == expected)
    }

    @Test("API and internal paths want JSON; pages want HTML")
    func wantsJSON() throws {
        #expect(try request("/api/v1/issues").wantsJSON)
        #expect(try request("/internal/health").wantsJSON)
        #expect(try !request("/issues/ISS-1").wantsJSON)
    }
}

@Suite("List cursors are opaque and bound to their list")
struct ListParametersTests {
    @Test("limit defaults to 20 and must be 1-100", arguments: ["0", "101", "1000", "-1", "x", "1.5"])
    func badLimits(_ limit: String) {
        #expect(throws: HTTPError.self) { try ListParameters.pageRequest(QueryParameters([("limit", limit)]), scope: "s") }
    }

    @Test("a cursor round-trips within its scope and is refused in another")
    func cursorScope() throws {
        let cursor = ListCursor.encode(scope: "issues|||open", position: 42)
        #expect(!cursor.contains("issues"))
        #expect(try ListParameters.pageRequest(QueryParameters([("cursor", cursor)]), scope: "issues|||open").after == 42)
        #expect(throws: HTTPError.self) {
            try ListParameters.pageRequest(QueryParameters([("cursor", cursor)]), scope: "issues|||closed")
        }
        #expect(throws: HTTPError.self) { try ListParameters.pageRequest(QueryParameters([("cursor", "garbage!")]), scope: "s") }
        #expect(try ListParameters.pageRequest(QueryParameters(), scope: "s") == PageRequest(limit: 20, after: nil))
    }
}
