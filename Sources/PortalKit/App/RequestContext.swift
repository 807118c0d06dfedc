import Logging

/// What every handler receives besides its principal: the request, the route's
/// parameters, the request's "now" (one clock reading per request) and a logger
/// carrying the request id.
public struct RequestContext: Sendable {
    public let request: Request
    public let parameters: RouteParameters
    public let now: Timestamp
    private let baseLogger: Logger

    public init(request: Request, parameters: RouteParameters, now: Timestamp, baseLogger: Logger) {
        self.request = request
        self.parameters = parameters
        self.now = now
        self.baseLogger = baseLogger
    }

    /// Made when asked for, each time: most requests log nothing but their
    /// access line, and setting the metadata costs a dictionary. A handler
    /// that logs several lines keeps one copy.
    public var logger: Logger { Self.requestLogger(base: baseLogger, requestID: request.id) }

    static func requestLogger(base: Logger, requestID: String) -> Logger {
        var logger = base
        logger[metadataKey: "request_id"] = .string(requestID)
        return logger
    }
}
