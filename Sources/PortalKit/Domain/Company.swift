/// A customer's account: the company its contacts belong to.
public struct Company: Sendable, Equatable {
    public let id: CompanyID
    public let workspaceID: WorkspaceID
    public var name: String
    public var externalID: String?
    /// Email domains verified as belonging to the company.
    public var emailDomains: [String]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: CompanyID, workspaceID: WorkspaceID, name: String, externalID: String?, emailDomains: [String],
                createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.externalID = externalID
        self.emailDomains = emailDomains
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
