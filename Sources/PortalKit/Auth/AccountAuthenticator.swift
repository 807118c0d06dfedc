/// Resolves `Authorization: Bearer woesk_…` into an `AccountPrincipal`.
struct AccountAuthenticator: Sendable {
    let store: any PortalStore

    func authenticate(_ request: Request) throws -> AccountPrincipal {
        guard let token = Self.bearerToken(request.header(.authorization)) else { throw HTTPError.unauthorized }
        guard APIKeyToken.isWellFormed(token),
              let (key, creator) = try store.apiKey(tokenHash: APIKeyToken.hash(token)),
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
        var permissions = key.explicitPermissions ?? creator?.permissions ?? Set(Permission.allCases)
        if let creator { permissions.formIntersection(creator.permissions) }
        guard let workspace = try store.workspace(id: key.workspaceID) else { throw HTTPError.unauthorized }
        return AccountPrincipal(
            workspace: workspace, permissions: permissions,
            actor: AuditActor(kind: .apiKey, id: key.id.rawValue, label: key.name),
            displayName: creator?.name ?? workspace.name)
    }

    /// `Bearer <token>`, scheme case-insensitive.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: " ")
        return token.isEmpty ? nil : token
    }
}
