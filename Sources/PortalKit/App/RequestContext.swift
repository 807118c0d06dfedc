import Logging

/// What every handler receives besides its principal: the request, the route's
/// parameters, the request's "now" (one clock reading per request) and a logger
/// carrying the request id.
public struct RequestContext: Sendable {
    public let request: Request
    public let parameters: RouteParameters
    public let now: Timestamp
    public let logger: Logger

    public init(request: Request, parameters: RouteParameters, now: Timestamp, logger: Logger) {
        self.request = request
        self.parameters = parameters
        self.now = now
        self.logger = logger
    }
}
