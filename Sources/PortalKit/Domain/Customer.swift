/// A contact of a company, who signs in to the portal.
public struct Customer: Sendable, Equatable {
    public let id: CustomerID
    public let workspaceID: WorkspaceID
    public var email: EmailAddress
    public var name: String?
    public var companyID: CompanyID?
    public var externalID: String?
    /// The customer's own portal access; nil means the workspace default applies.
    public var portalAccess: AccessLevel?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: CustomerID, workspaceID: WorkspaceID, email: EmailAddress, name: String?, companyID: CompanyID?,
                externalID: String?, portalAccess: AccessLevel?, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.name = name
        self.companyID = companyID
        self.externalID = externalID
        self.portalAccess = portalAccess
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The level that applies: the customer's own, else the workspace default.
    public func effectiveAccess(default defaultAccess: AccessLevel) -> AccessLevel {
        portalAccess ?? defaultAccess
    }
}

/// What a customer sees in the portal.
public enum AccessLevel: String, Sendable, CaseIterable, Codable {
    /// Every portal issue of the customer's company.
    case admin
    /// Issues the customer requested.
    case member
    /// No issues; the customer may sign in and sees a "no access" page.
    case none
}
