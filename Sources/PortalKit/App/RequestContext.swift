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

    /// Made when asked for: most requests log nothing but their access line,
    /// and setting the metadata costs a dictionary each time.
    public var logger: Logger { Self.logger(baseLogger, requestID: request.id) }

    static func logger(_ base: Logger, requestID: String) -> Logger {
        var logger = base
        logger[metadataKey: "request_id"] = .string(requestID)
        return logger
    }
}
