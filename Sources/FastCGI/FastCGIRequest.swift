import Foundation
import HTTPTypes

/// One request as the web server handed it over: the HTTP head rebuilt from the
/// CGI/FastCGI params, the body (read up to the configured limit) and the peer.
public struct FastCGIRequest: Sendable {
    public var head: HTTPRequest
    /// The request body; empty when `bodyExceededLimit` is set.
    public var body: [UInt8]
    /// The body was longer than the server's limit; it was discarded unread.
    public var bodyExceededLimit: Bool
    /// The client address as the web server saw it (`REMOTE_ADDR`).
    public var remoteAddress: String
    /// The web server's id for this request (nginx `$request_id`, passed as `REQUEST_ID`).
    public var requestID: String?

    public init(
        head: HTTPRequest,
        body: [UInt8] = [],
        bodyExceededLimit: Bool = false,
        remoteAddress: String = "",
        requestID: String? = nil
    ) {
        self.head = head
        self.body = body
        self.bodyExceededLimit = bodyExceededLimit
        self.remoteAddress = remoteAddress
        self.requestID = requestID
    }
}

/// The answer written back to the web server.
public struct FastCGIResponse: Sendable {
    public var head: HTTPResponse
    /// Read in place when the answer is sent: an array, or any buffer the
    /// application wrote its answer into.
    public var body: any ContiguousBytes & Sendable

    public init(head: HTTPResponse, body: any ContiguousBytes & Sendable = [UInt8]()) {
        self.head = head
        self.body = body
    }
}

/// What the server calls for every request, from many threads at once.
/// It must not throw: every failure is an answer (a 500 at worst).
public protocol FastCGIResponder: Sendable {
    func respond(to request: FastCGIRequest) -> FastCGIResponse
}
