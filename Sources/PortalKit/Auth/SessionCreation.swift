/// Creating sessions, in one place for every sign-in path (links, codes,
/// tokens, the test command).
public enum CustomerSessions {
    /// Creates a session and returns the token for the cookie (shown once).
    public static func create(for customer: Customer, store: any PortalStore, policy: SessionPolicy, userAgent: String?,
                              clientAddress: String?, at now: Timestamp) throws -> String {
        let token = SessionToken.generate()
        _ = try store.createPortalSession(
            NewSession(subject: customer.id, tokenHash: token.hash, expiresAt: now.adding(seconds: policy.absoluteTimeoutSeconds),
                       userAgent: userAgent.map { String($0.prefix(300)) }, clientAddress: clientAddress),
            in: customer.workspaceID, at: now)
        return token.token
    }
}

public enum OperatorSignInLinks {
    /// Links live 15 minutes.
    public static let lifetimeSeconds: Int64 = 15 * 60

    /// Creates a one-time link token; only its hash is stored.
    public static func create(for account: Operator, store: any PortalStore, at now: Timestamp) throws -> String {
        let token = SessionToken.generate()
        try store.createOperatorLoginLink(tokenHash: token.hash, operator: account.id, in: account.workspaceID,
                                          expiresAt: now.adding(seconds: lifetimeSeconds), at: now)
        return token.token
    }
}
