public protocol APIKeyStore {
    func createAPIKey(_ new: NewAPIKey, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> APIKey
    /// Entry point: finds a key (revoked or not) by the SHA-256 of its token,
    /// with the operator who created it and its workspace's revision, read
    /// together (a request needs all three; one read instead of two).
    func apiKey(tokenHash: [UInt8]) throws(StoreError) -> (key: APIKey, creator: Operator?, revision: WorkspaceRevision)?
    func apiKeys(in workspace: WorkspaceID) throws(StoreError) -> [APIKey]
    /// Returns false when no such live key exists in the workspace.
    func revokeAPIKey(id: APIKeyID, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Bool
}

public struct NewAPIKey: Sendable {
    public var name: String
    public var operatorID: OperatorID?
    public var explicitPermissions: PermissionSet?
    public var tokenHash: [UInt8]
    public var displayPrefix: String

    public init(name: String, operatorID: OperatorID?, explicitPermissions: PermissionSet?, tokenHash: [UInt8],
                displayPrefix: String) {
        self.name = name
        self.operatorID = operatorID
        self.explicitPermissions = explicitPermissions
        self.tokenHash = tokenHash
        self.displayPrefix = displayPrefix
    }
}
