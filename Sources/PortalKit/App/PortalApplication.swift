#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Logging

/// The composition root: configuration, store, clock and templates in, one
/// `respond` function out. It knows nothing of FastCGI, so every route is
/// testable in-process: build a `Request`, read the `Response`.
///
/// A request goes: host → surface (and tenant), router → route, authentication
/// and CSRF → principal, handler → response; any thrown error → `ErrorResponder`;
/// one log line.
public final class PortalApplication: Sendable {
    public let configuration: Configuration
    public let store: any PortalStore
    public let clock: any Clock
    let logger: Logger
    let accessLog: any AccessLog
    let views: Views
    let hosts: HostResolver
    let router: Router
    let errors: ErrorResponder
    let pages: PageRenderer
    let tenants: TenantDirectory
    let accountAuthenticator: AccountAuthenticator
    let customerAuthenticator: CustomerAuthenticator
    /// Delivers the mail outbox; the worker starts it (`start()`), tests call `deliverDue()`.
    public let mailSender: MailSender

    public init(configuration: Configuration, store: any PortalStore, clock: any Clock = SystemClock(),
                views: Views, logger: Logger, accessLog: (any AccessLog)? = nil, sessionPolicy: SessionPolicy = SessionPolicy(),
                signInLimits: SignInLimits = SignInLimits(), resolver: (any DNSResolver)? = nil) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.views = views
        self.logger = logger
        self.accessLog = accessLog ?? LoggerAccessLog(logger: logger)
        hosts = HostResolver(appHost: configuration.appHost, portalBaseDomain: configuration.portalBaseDomain)
        let pages = PageRenderer(views: views)
        errors = ErrorResponder(pages: pages)
        self.pages = pages
        tenants = TenantDirectory(store: store)
        accountAuthenticator = AccountAuthenticator(store: store, tenants: tenants, policy: sessionPolicy)
        customerAuthenticator = CustomerAuthenticator(store: store, environment: configuration.environment, policy: sessionPolicy)
        let mailSender = MailSender(store: store, server: configuration.runMailSender ? configuration.smtp : nil,
                                    from: configuration.mailFrom, clock: clock, logger: logger)
        self.mailSender = mailSender
        let codes = SignInCodes(store: store, limits: signInLimits)
        let domainChecks = CustomDomainChecks(
            store: store, resolver: resolver ?? SystemDNSResolver(server: configuration.domains.resolver), configuration: configuration)
        let customerSignIn = CustomerSignIn(store: store, pages: pages, codes: codes, sessions: sessionPolicy, mailSender: mailSender,
                                            customAuth: CustomAuthSignIn(store: store, pages: pages))
        router = Router([
            .app: SupportAPI(store: store).routes
                + SettingsAPI(store: store, tenants: tenants, configuration: configuration).routes
                + SettingsPage(store: store, tenants: tenants, configuration: configuration, pages: pages, domainChecks: domainChecks).routes
                + PreviewPage(store: store, tenants: tenants, pages: pages).routes
                + OperatorSignIn(store: store, pages: pages, policy: sessionPolicy, codes: codes, mailSender: mailSender).routes
                + CustomDomainAPI(store: store, checks: domainChecks, edgeHost: configuration.portalEdgeHost).routes,
            .portal: PortalAPI(store: store).routes + PortalPages(store: store, pages: pages).routes
                + customerSignIn.routes + PortalAccountPage(store: store, pages: pages).routes,
            .internal: InternalRoutes(store: store).routes,
        ])
    }

    /// Answers one request and records it in the access log. Never throws:
    /// failures are answers too.
    public func respond(
        to head: HTTPRequest, body: [UInt8], bodyExceededLimit: Bool = false, clientAddress: String = "",
        requestID: String? = nil
    ) -> Response {
        let started = Self.monotonicNanoseconds()
        let id = requestID ?? RandomToken.hex(byteCount: 8)
        var request: Request?
        var response: Response
        do {
            if bodyExceededLimit { throw HTTPError.payloadTooLarge(limit: configuration.maxBodyBytes) }
            let parsed = try Request(head: head, body: body, clientAddress: clientAddress, id: id)
            request = parsed
            response = try route(parsed)
        } catch let error as HTTPError where error.code == .unauthorized && request.map({ !$0.wantsJSON }) == true {
            // Pages send a signed-out visitor to the sign-in page instead.
            response = Self.redirectToSignIn(request!, clearing: error.headers)
        } catch {
            response = errors.response(for: error, request: request, requestID: id,
                                       logger: RequestContext.requestLogger(base: logger, requestID: id))
        }
        response.headerFields[Self.requestIDHeader] = id
        let elapsedMicroseconds = (Self.monotonicNanoseconds() - started) / 1000
        accessLog.record(AccessLogEntry(
            method: head.method.rawValue, path: request.map { String($0.rawPath) } ?? Self.unparsedPath(head.path),
            host: request?.host ?? "", status: response.status.code, durationMicroseconds: elapsedMicroseconds, requestID: id))
        return response
    }

    private static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    /// A request that was not parsed (a bad path or query, a body too large)
    /// is logged with at most 200 characters of its path and never its query:
    /// sign-in links carry tokens there.
    static func unparsedPath(_ target: String?) -> String {
        guard let target else { return "" }
        return String(target.prefix { $0 != "?" }.prefix(200))
    }

    private func route(_ request: Request) throws -> Response {
        if request.pathSegments.first == "internal" { return try dispatch(request, surface: .internal, tenant: nil) }
        switch hosts.classify(request.host) {
        case .app:
            return try dispatch(request, surface: .app, tenant: nil)
        case .portal(let slug):
            return try dispatchPortal(request) { try tenants.tenant(slug: slug, host: request.host) }
        case .other(let host):
            // A verified custom domain is its workspace's portal.
            return try dispatchPortal(request) { try tenants.tenant(customDomain: host) }
        }
    }

    /// A portal request reads its tenant, the customer's session and the data:
    /// one snapshot for the three costs one read transaction.
    private func dispatchPortal(_ request: Request, tenant: () throws -> PortalTenant?) throws -> Response {
        try store.withReadSnapshot {
            try dispatch(request, surface: .portal, tenant: enabledPortal(tenant()))
        }
    }

    private func dispatch(_ request: Request, surface: Surface, tenant: PortalTenant?) throws -> Response {
        switch router.match(surface: surface, method: request.method, path: request.pathSegments) {
        case .notFound:
            throw HTTPError.notFound
        case .methodNotAllowed(let allowed):
            throw HTTPError.methodNotAllowed(allowed)
        case .found(let route, let parameters):
            let context = RequestContext(request: request, parameters: parameters, now: clock.now(), baseLogger: logger)
            switch route.handler {
            case .open(let handler):
                return try handler(context)
            case .account(let permission, let handler):
                let principal = try accountAuthenticator.authenticate(request, now: context.now)
                if !request.method.isSafe, let token = principal.csrfToken { try CSRFGuard.check(request, expectedToken: token) }
                if let permission { try principal.require(permission) }
                return try handler(context, principal)
            case .portal(let handler):
                guard let tenant else { throw HTTPError.notFound }
                return try handler(context, tenant)
            case .customer(let handler):
                guard let tenant else { throw HTTPError.notFound }
                let principal = try customerAuthenticator.authenticate(request, tenant: tenant, now: context.now)
                if !request.method.isSafe, let token = principal.csrfToken { try CSRFGuard.check(request, expectedToken: token) }
                return try handler(context, principal)
            }
        }
    }

    /// An unknown portal gets the neutral 404 (it names no workspace); a disabled one its "unavailable" page.
    private func enabledPortal(_ found: PortalTenant?) throws -> PortalTenant {
        guard let found else { throw HTTPError.notFound }
        guard found.settings.enabled else { throw PortalUnavailable(tenant: found) }
        return found
    }

    /// 303 to the host's sign-in page, coming back here afterwards.
    static func redirectToSignIn(_ request: Request, clearing headers: HTTPFields) -> Response {
        let next = request.method == .get ? String(request.head.path ?? "/") : "/"
        var response = Response.redirect(to: "/login?next=" + PercentEncoding.queryValue(next))
        for field in headers where field.name == .setCookie { response.headerFields.append(field) }
        return response
    }

    static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

extension HTTPRequest.Method {
    /// GET, HEAD and OPTIONS change nothing and need no CSRF proof.
    var isSafe: Bool { self == .get || self == .head || self == .options }
}

/// A disabled portal: every customer route answers "portal unavailable"
/// (JSON: 404 `not_found`).
struct PortalUnavailable: Error {
    let tenant: PortalTenant
}
