#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Logging

/// The composition root: configuration, store, clock and templates in, one
/// `respond` function out. It knows nothing of FastCGI, so every route is
/// testable in-process: build a `Request`, read the `Response`.
///
/// A request goes: host → surface, router → route, authorization → principal,
/// handler → response; any thrown error → `ErrorResponder`; one log line.
public final class PortalApplication: Sendable {
    public let configuration: Configuration
    public let store: any PortalStore
    public let clock: any Clock
    let logger: Logger
    let views: Views
    let hosts: HostResolver
    let router: Router
    let errors: ErrorResponder
    let accountAuthenticator: AccountAuthenticator

    public init(configuration: Configuration, store: any PortalStore, clock: any Clock = SystemClock(),
                views: Views, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.views = views
        self.logger = logger
        hosts = HostResolver(appHost: configuration.appHost, portalBaseDomain: configuration.portalBaseDomain)
        errors = ErrorResponder(views: views)
        accountAuthenticator = AccountAuthenticator(store: store)
        let supportAPI = SupportAPI(store: store)
        router = Router([
            .app: supportAPI.routes,
            .portal: [],
            .internal: InternalRoutes(store: store).routes,
        ])
    }

    /// Answers one request. Never throws: failures are answers too.
    public func respond(
        to head: HTTPRequest, body: [UInt8], bodyExceededLimit: Bool = false, clientAddress: String = "",
        requestID: String? = nil
    ) -> Response {
        let started = Self.monotonicNanoseconds()
        let id = requestID ?? RandomToken.hex(byteCount: 8)
        var requestLogger = logger
        requestLogger[metadataKey: "request_id"] = "\(id)"
        var request: Request?
        var response: Response
        do {
            if bodyExceededLimit { throw HTTPError.payloadTooLarge(limit: configuration.maxBodyBytes) }
            let parsed = try Request(head: head, body: body, clientAddress: clientAddress, id: id)
            request = parsed
            response = try route(parsed, logger: requestLogger)
        } catch {
            response = errors.response(for: error, request: request, requestID: id, logger: requestLogger)
        }
        response.headerFields[.init("X-Request-Id")!] = id
        let elapsedMicroseconds = (Self.monotonicNanoseconds() - started) / 1000
        requestLogger.info("request", metadata: [
            "method": "\(head.method.rawValue)",
            "path": "\(request?.rawPath ?? head.path?.prefix(200) ?? "")",
            "host": "\(request?.host ?? "")",
            "status": "\(response.status.code)",
            "duration_ms": "\(Double(elapsedMicroseconds) / 1000)",
        ])
        return response
    }

    private func route(_ request: Request, logger: Logger) throws -> Response {
        let surface: Surface
        if request.pathSegments.first == "internal" {
            surface = .internal
        } else {
            switch hosts.classify(request.host) {
            case .app: surface = .app
            case .portal: surface = .portal
            case .other: throw HTTPError.notFound
            }
        }
        switch router.match(surface: surface, method: request.method, path: request.pathSegments) {
        case .notFound:
            throw HTTPError.notFound
        case .methodNotAllowed(let allowed):
            throw HTTPError.methodNotAllowed(allowed)
        case .found(let route, let parameters):
            let context = RequestContext(request: request, parameters: parameters, now: clock.now(), logger: logger)
            switch route.handler {
            case .open(let handler):
                return try handler(context)
            case .account(let permission, let handler):
                let principal = try accountAuthenticator.authenticate(request)
                try principal.require(permission)
                return try handler(context, principal)
            }
        }
    }

    static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
