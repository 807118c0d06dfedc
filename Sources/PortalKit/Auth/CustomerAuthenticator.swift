/// Resolves the customer of a portal request: the `woes_portal_session`
/// cookie, or — outside production only — the development session header.
struct CustomerAuthenticator: Sendable {
    static let cookieName = "woes_portal_session"
    static let developmentHeader = "X-Woes-Portal-Dev-Session"
    private static let developmentHeaderName = HTTPField.Name(developmentHeader)!

    let store: any PortalStore
    let environment: DeploymentEnvironment
    let policy: SessionPolicy

    func authenticate(_ request: Request, tenant: PortalTenant, now: Timestamp) throws -> CustomerPrincipal {
        if let token = request.cookie(Self.cookieName) {
            guard SessionToken.isWellFormed(token),
                  let (session, customer) = try store.portalSession(tokenHash: SessionToken.hash(token), in: tenant.workspace.id)
            else { throw Self.signedOut(clearCookie: true) }
            switch policy.check(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, expiresAt: session.expiresAt,
                                revokedAt: session.revokedAt, now: now) {
            case .expired:
                throw Self.signedOut(clearCookie: true)
            case .valid(let refresh):
                // Sliding expiry without a write per request: at most once a minute.
                if refresh { try store.touchPortalSession(id: session.id, in: tenant.workspace.id, at: now) }
                return CustomerPrincipal(tenant: tenant, customer: customer, credential: .session(session, token: token))
            }
        }
        if environment != .production, let header = request.header(Self.developmentHeaderName) {
            guard let email = EmailAddress(header), let customer = try store.customer(email: email, in: tenant.workspace.id) else {
                throw Self.signedOut(clearCookie: false)
            }
            return CustomerPrincipal(tenant: tenant, customer: customer, credential: .developmentHeader)
        }
        throw Self.signedOut(clearCookie: false)
    }

    static func signedOut(clearCookie: Bool) -> HTTPError {
        var error = HTTPError(.unauthorized, "Please sign in to continue.")
        if clearCookie { error.headers.append(HTTPField(name: .setCookie, value: SessionCookie.clearing(cookieName))) }
        return error
    }
}

/// The session cookies: `HttpOnly; Secure; SameSite=Lax; Path=/`, host-only
/// (no Domain attribute), so a cookie of one portal host never reaches another.
enum SessionCookie {
    static func setting(_ name: String, token: String, maxAgeSeconds: Int64) -> String {
        "\(name)=\(token); Path=/; Max-Age=\(maxAgeSeconds); HttpOnly; Secure; SameSite=Lax"
    }

    static func clearing(_ name: String) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
    }
}

import HTTPTypes
