/// Resolves an operator-side caller: `Authorization: Bearer woesk_…`, or the
/// operator's browser session (`woes_session` cookie on the app host).
struct AccountAuthenticator: Sendable {
    static let cookieName = "woes_session"

    let store: any PortalStore
    /// Workspaces decoded once per revision, not on every request.
    let tenants: TenantDirectory
    let policy: SessionPolicy

    func authenticate(_ request: Request, now: Timestamp) throws -> AccountPrincipal {
        if let header = request.header(.authorization) {
            guard let token = Self.bearerToken(header) else { throw HTTPError.unauthorized }
            return try authenticateKey(token)
        }
        if let token = request.cookie(Self.cookieName) {
            return try authenticateSession(token, now: now)
        }
        throw HTTPError.unauthorized
    }

    private func authenticateKey(_ token: String) throws -> AccountPrincipal {
        guard APIKeyToken.isWellFormed(token),
              let (key, creator, revision) = try store.apiKey(tokenHash: APIKeyToken.hash(token)),
              key.revokedAt == nil
        else {
            throw HTTPError(.unauthorized, "The API key is not valid or has been revoked.",
                            headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        // A key never carries more than its creator has now; a key whose creator
        // is gone carries nothing.
        if key.operatorID != nil && creator == nil {
            throw HTTPError(.unauthorized, "The API key's operator no longer exists.")
        }
        var permissions = key.explicitPermissions ?? creator?.permissions ?? PermissionSet.all
        if let creator { permissions.formIntersection(creator.permissions) }
        guard let workspace = try tenants.workspace(at: revision) else { throw HTTPError.unauthorized }
        return AccountPrincipal(
            workspace: workspace, workspaceRevision: revision, permissions: permissions,
            actor: AuditActor(kind: .apiKey, id: key.id.rawValue, label: key.name),
            displayName: creator?.name ?? workspace.name, credential: .apiKey(key.id))
    }

    private func authenticateSession(_ token: String, now: Timestamp) throws -> AccountPrincipal {
        guard SessionToken.isWellFormed(token),
              let (session, account, revision) = try store.operatorSession(tokenHash: SessionToken.hash(token))
        else { throw Self.signedOut }
        switch policy.check(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, expiresAt: session.expiresAt,
                            revokedAt: session.revokedAt, now: now) {
        case .expired:
            throw Self.signedOut
        case .valid(let refresh):
            if refresh { try store.touchOperatorSession(id: session.id, in: session.workspaceID, at: now) }
        }
        guard let workspace = try tenants.workspace(at: revision) else { throw Self.signedOut }
        return AccountPrincipal(
            workspace: workspace, workspaceRevision: revision, permissions: account.permissions,
            actor: AuditActor(kind: .operator, id: account.id.rawValue, label: account.email.value),
            displayName: account.name, credential: .session(session, csrfToken: SessionToken.csrfToken(for: token)))
    }

    static var signedOut: HTTPError {
        var error = HTTPError(.unauthorized, "Your session has ended; please sign in again.")
        error.headers.append(HTTPField(name: .setCookie, value: SessionCookie.clearing(cookieName)))
        return error
    }

    /// `Bearer <token>`, scheme case-insensitive.
    static func bearerToken(_ header: String?) -> String? {
        // On bytes: splitting and lower-casing Characters was 6 000
        // instructions of every API request.
        guard let header else { return nil }
        let utf8 = header.utf8
        let space = UInt8(ascii: " ")
        var start = utf8.startIndex
        while start != utf8.endIndex, utf8[start] == space { start = utf8.index(after: start) }
        let scheme = utf8[start...].prefix { $0 != space }
        guard scheme.elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        var tokenStart = scheme.endIndex
        while tokenStart != utf8.endIndex, utf8[tokenStart] == space { tokenStart = utf8.index(after: tokenStart) }
        var tokenEnd = utf8.endIndex
        while tokenEnd > tokenStart, utf8[utf8.index(before: tokenEnd)] == space { tokenEnd = utf8.index(before: tokenEnd) }
        guard tokenStart < tokenEnd else { return nil }
        return String(Substring(utf8[tokenStart..<tokenEnd]))
    }
}

import HTTPTypes
