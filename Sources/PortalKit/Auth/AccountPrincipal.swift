/// An operator-side caller, resolved once per request: the workspace it acts in,
/// what it may do, and how it appears in the audit log.
public struct AccountPrincipal: Sendable {
    public let workspace: Workspace
    /// The workspace's revision when the caller was resolved: reads later in
    /// the same request (the settings) start from it instead of asking again.
    public let workspaceRevision: WorkspaceRevision
    public let permissions: PermissionSet
    public let actor: AuditActor
    /// The name shown on support replies written through this caller.
    public let displayName: String
    public let credential: Credential

    public enum Credential: Sendable {
        case apiKey(APIKeyID)
        /// A browser session; unsafe requests must carry `csrfToken`.
        case session(OperatorSession, csrfToken: String)
    }

    public init(workspace: Workspace, workspaceRevision: WorkspaceRevision, permissions: PermissionSet, actor: AuditActor,
                displayName: String, credential: Credential) {
        self.workspace = workspace
        self.workspaceRevision = workspaceRevision
        self.permissions = permissions
        self.actor = actor
        self.displayName = displayName
        self.credential = credential
    }

    public func require(_ permission: Permission) throws(HTTPError) {
        guard permissions.contains(permission) else { throw HTTPError.forbidden(missing: permission) }
    }

    public func may(_ permission: Permission) -> Bool { permissions.contains(permission) }

    public var csrfToken: String? {
        if case .session(_, let token) = credential { return token }
        return nil
    }
}
