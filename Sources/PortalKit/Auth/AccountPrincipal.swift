/// An operator-side caller, resolved once per request: the workspace it acts in,
/// what it may do, and how it appears in the audit log.
public struct AccountPrincipal: Sendable {
    public let workspace: Workspace
    public let permissions: Set<Permission>
    public let actor: AuditActor
    /// The name shown on support replies written through this caller.
    public let displayName: String

    public init(workspace: Workspace, permissions: Set<Permission>, actor: AuditActor, displayName: String) {
        self.workspace = workspace
        self.permissions = permissions
        self.actor = actor
        self.displayName = displayName
    }

    public func require(_ permission: Permission) throws(HTTPError) {
        guard permissions.contains(permission) else { throw HTTPError.forbidden(missing: permission) }
    }
}
