import HTTPTypes

/// An HTTP answer: status, header fields and the complete body.
public struct Response: Sendable {
    public var status: HTTPResponse.Status
    public var headerFields: HTTPFields
    public var body: ResponseBody

    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: ResponseBody = []) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }

    /// A JSON answer; API answers are private to the caller and never cached.
    public static func json(_ status: HTTPResponse.Status = .ok, _ writer: consuming JSONWriter) -> Response {
        Response(status: status, headerFields: jsonHeaders, body: ResponseBody(writer.finish()))
    }

    // Built once: a literal checks every value's characters on each answer.
    private static let jsonHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]

    /// A JSON answer written by `body`.
    public static func json(_ status: HTTPResponse.Status = .ok, _ body: (inout JSONWriter) -> Void) -> Response {
        // Room for a full list page up front: growing 1 KB → 16 KB copied it four times.
        var writer = JSONWriter(capacity: 16 * 1024)
        body(&writer)
        return json(status, writer)
    }

    public static func noContent() -> Response { Response(status: .noContent) }

    /// 303 See Other: after a form post, the browser GETs the new location.
    public static func redirect(to location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        Response(status: status, headerFields: [.location: location, .cacheControl: "no-store"])
    }
}

/// A response never changes once made (its body is shared, not copied): a
/// store may keep a 200 and send it again (`SnapshotAnswerStore`).
extension Response: SnapshotAnswer {
    public var retainedByteCount: Int { body.retainedByteCount }
    public var isKeepable: Bool { status == .ok }
}
