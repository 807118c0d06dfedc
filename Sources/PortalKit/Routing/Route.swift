import HTTPTypes

/// One endpoint: method, path pattern, who may call it, and the handler.
///
/// The handler's kind says what authorization runs before it, so a handler that
/// needs an operator's permission cannot be registered without naming it.
public struct Route: Sendable {
    public let method: HTTPRequest.Method
    public let pattern: RoutePattern
    public let handler: Handler

    public enum Handler: Sendable {
        /// No authentication (health checks, public pages).
        case open(@Sendable (RequestContext) throws -> Response)
        /// An operator-side caller (API key or operator session) holding `permission` (nil: any).
        case account(Permission?, @Sendable (RequestContext, AccountPrincipal) throws -> Response)
        /// A portal route anyone may reach (sign-in page, public branding).
        case portal(@Sendable (RequestContext, PortalTenant) throws -> Response)
        /// A signed-in customer of this portal.
        case customer(@Sendable (RequestContext, CustomerPrincipal) throws -> Response)
    }

    public init(_ method: HTTPRequest.Method, _ pattern: String, _ handler: Handler) {
        self.method = method
        self.pattern = RoutePattern(pattern)
        self.handler = handler
    }

    public static func get(_ pattern: String, _ handler: Handler) -> Route { Route(.get, pattern, handler) }
    public static func post(_ pattern: String, _ handler: Handler) -> Route { Route(.post, pattern, handler) }
    public static func put(_ pattern: String, _ handler: Handler) -> Route { Route(.put, pattern, handler) }
    public static func patch(_ pattern: String, _ handler: Handler) -> Route { Route(.patch, pattern, handler) }
    public static func delete(_ pattern: String, _ handler: Handler) -> Route { Route(.delete, pattern, handler) }
}

/// The part of the product a route belongs to; chosen from the host (and the
/// `/internal/` prefix) before routing.
public enum Surface: Sendable, Hashable {
    /// The operator host.
    case app
    /// A workspace's portal host.
    case portal
    /// `/internal/…` for nginx and ops, on any host (nginx allows loopback only).
    case `internal`
}
