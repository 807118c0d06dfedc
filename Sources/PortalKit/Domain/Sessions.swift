/// A customer's signed-in session on one workspace's portal. Only the SHA-256
/// of its 256-bit token is stored; the token lives in the customer's cookie.
public struct PortalSession: Sendable, Equatable {
    public let id: Int64
    public let workspaceID: WorkspaceID
    public let customerID: CustomerID
    public var createdAt: Timestamp
    public var lastSeenAt: Timestamp
    /// The absolute end, however active the session is.
    public var expiresAt: Timestamp
    public var revokedAt: Timestamp?
    public var userAgent: String?
    public var clientAddress: String?

    public init(id: Int64, workspaceID: WorkspaceID, customerID: CustomerID, createdAt: Timestamp, lastSeenAt: Timestamp,
                expiresAt: Timestamp, revokedAt: Timestamp?, userAgent: String?, clientAddress: String?) {
        self.id = id
        self.workspaceID = workspaceID
        self.customerID = customerID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.userAgent = userAgent
        self.clientAddress = clientAddress
    }
}

/// An operator's signed-in session on the app host.
public struct OperatorSession: Sendable, Equatable {
    public let id: Int64
    public let workspaceID: WorkspaceID
    public let operatorID: OperatorID
    public var createdAt: Timestamp
    public var lastSeenAt: Timestamp
    public var expiresAt: Timestamp
    public var revokedAt: Timestamp?

    public init(id: Int64, workspaceID: WorkspaceID, operatorID: OperatorID, createdAt: Timestamp, lastSeenAt: Timestamp,
                expiresAt: Timestamp, revokedAt: Timestamp?) {
        self.id = id
        self.workspaceID = workspaceID
        self.operatorID = operatorID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// The lifetime rules shared by customer and operator sessions.
public struct SessionPolicy: Sendable, Equatable {
    /// A session unused this long ends.
    public var idleTimeoutSeconds: Int64
    /// A session ends this long after sign-in, however active.
    public var absoluteTimeoutSeconds: Int64
    /// `last_seen_at` is written at most this often (no write per request).
    public var refreshIntervalSeconds: Int64

    public init(idleTimeoutSeconds: Int64 = 8 * 3600, absoluteTimeoutSeconds: Int64 = 30 * 24 * 3600,
                refreshIntervalSeconds: Int64 = 60) {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.absoluteTimeoutSeconds = absoluteTimeoutSeconds
        self.refreshIntervalSeconds = refreshIntervalSeconds
    }

    public enum Verdict: Equatable {
        case valid(refresh: Bool)
        case expired
    }

    public func check(createdAt: Timestamp, lastSeenAt: Timestamp, expiresAt: Timestamp, revokedAt: Timestamp?,
                      now: Timestamp) -> Verdict {
        if revokedAt != nil || now >= expiresAt { return .expired }
        if now >= lastSeenAt.adding(seconds: idleTimeoutSeconds) { return .expired }
        return .valid(refresh: now >= lastSeenAt.adding(seconds: refreshIntervalSeconds))
    }
}
