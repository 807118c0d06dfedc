import HTTPTypes
import Testing
@testable import PortalKit

@Suite("The router matches method and pattern within a surface")
struct RouterTests {
    let router = Router([
        .app: [
            .get("/api/v1/issues", .open { _ in .noContent() }),
            .post("/api/v1/issues", .open { _ in .noContent() }),
            .get("/api/v1/issues/:id/messages/:messageId", .open { _ in .noContent() }),
        ],
        .internal: [.get("/internal/health", .open { _ in .noContent() })],
    ])

    @Test("parameters are captured by name")
    func parameters() {
        guard case .found(let route, let parameters) = router.match(surface: .app, method: .get, path: ["api", "v1", "issues", "ISS-1", "messages", "7"]) else {
            Issue.record("no match")
            return
        }
        #expect(route.pattern.description == "/api/v1/issues/:id/messages/:messageId")
        #expect(parameters["id"] == "ISS-1")
        #expect(parameters["messageId"] == "7")
    }

    @Test("a known path with another method lists the allowed ones")
    func methodNotAllowed() {
        guard case .methodNotAllowed(let allowed) = router.match(surface: .app, method: .delete, path: ["api", "v1", "issues"]) else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == [.get, .post])
    }

    @Test("HEAD is answered by GET routes; other surfaces do not see these routes")
    func headAndSurfaces() {
        if case .found = router.match(surface: .app, method: .head, path: ["api", "v1", "issues"]) {} else { Issue.record("HEAD") }
        if case .notFound = router.match(surface: .portal, method: .get, path: ["api", "v1", "issues"]) {} else { Issue.record("portal") }
        if case .notFound = router.match(surface: .app, method: .get, path: ["api", "v1"]) {} else { Issue.record("prefix") }
    }

    @Test("hosts decide the surface")
    func hosts() {
        let hosts = HostResolver(appHost: "app.localhost", portalBaseDomain: "portal.localhost")
        #expect(hosts.classify("app.localhost") == .app)
        #expect(hosts.classify("acme.portal.localhost") == .portal(slug: "acme"))
        #expect(hosts.classify("a.b.portal.localhost") == .other(host: "a.b.portal.localhost"))
        #expect(hosts.classify("portal.localhost") == .other(host: "portal.localhost"))
        #expect(hosts.classify("support.acme.com") == .other(host: "support.acme.com"))
    }
}
