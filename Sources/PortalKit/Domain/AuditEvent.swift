/// A record of who changed what, kept per workspace.
public struct AuditEvent: Sendable, Equatable {
    public let id: AuditEventID
    public let workspaceID: WorkspaceID
    public var actor: AuditActor
    /// What happened, dotted: `portal_settings.updated`, `customer.portal_access.updated`.
    public var action: String
    public var target: String?
    /// Action-specific detail, such as the changed keys with before/after values.
    public var details: JSONValue
    public var createdAt: Timestamp

    public init(id: AuditEventID, workspaceID: WorkspaceID, actor: AuditActor, action: String, target: String?,
                details: JSONValue, createdAt: Timestamp) {
        self.id = id
        self.workspaceID = workspaceID
        self.actor = actor
        self.action = action
        self.target = target
        self.details = details
        self.createdAt = createdAt
    }
}

/// Who did it.
public struct AuditActor: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case `operator`, apiKey = "api_key", customer, system
    }
    public var kind: Kind
    public var id: Int64?
    /// A readable label (an email, a key's name) kept even if the actor is deleted.
    public var label: String

    public init(kind: Kind, id: Int64?, label: String) {
        self.kind = kind
        self.id = id
        self.label = label
    }

    public static let system = AuditActor(kind: .system, id: nil, label: "system")
}

/// An event to append; the store gives it an id.
public struct NewAuditEvent: Sendable {
    public var actor: AuditActor
    public var action: String
    public var target: String?
    public var details: JSONValue

    public init(actor: AuditActor, action: String, target: String?, details: JSONValue) {
        self.actor = actor
        self.action = action
        self.target = target
        self.details = details
    }
}
