/// A workspace API key (`woesk_…`). Only its SHA-256 hash is stored; the key
/// itself is shown once, when it is created.
public struct APIKey: Sendable, Equatable {
    public let id: APIKeyID
    public let workspaceID: WorkspaceID
    public var name: String
    /// The operator who created it; the key never carries more than they have.
    public var operatorID: OperatorID?
    /// The first characters of the key, to recognise it in lists.
    public var displayPrefix: String
    /// An explicit set chosen at creation; nil means the creator's permissions.
    public var explicitPermissions: PermissionSet?
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?

    public init(id: APIKeyID, workspaceID: WorkspaceID, name: String, operatorID: OperatorID?, displayPrefix: String,
                explicitPermissions: PermissionSet?, createdAt: Timestamp, revokedAt: Timestamp?) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.operatorID = operatorID
        self.displayPrefix = displayPrefix
        self.explicitPermissions = explicitPermissions
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
