public protocol CustomerStore {
    func createCustomer(_ new: NewCustomer, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Customer
    func customer(id: CustomerID, in workspace: WorkspaceID) throws(StoreError) -> Customer?
    func customer(email: EmailAddress, in workspace: WorkspaceID) throws(StoreError) -> Customer?
    func customers(in workspace: WorkspaceID, filter: CustomerFilter, page: PageRequest) throws(StoreError) -> Page<Customer>
    /// Nil when the customer does not exist in the workspace.
    func updateCustomer(id: CustomerID, _ update: CustomerUpdate, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> Customer?
}

public struct NewCustomer: Sendable {
    public var email: EmailAddress
    public var name: String?
    public var companyID: CompanyID?
    public var externalID: String?
    public var portalAccess: AccessLevel?

    public init(email: EmailAddress, name: String? = nil, companyID: CompanyID? = nil, externalID: String? = nil,
                portalAccess: AccessLevel? = nil) {
        self.email = email
        self.name = name
        self.companyID = companyID
        self.externalID = externalID
        self.portalAccess = portalAccess
    }
}

public struct CustomerUpdate: Sendable {
    public var email: Patch<EmailAddress> = .unchanged
    public var name: Patch<String?> = .unchanged
    public var companyID: Patch<CompanyID?> = .unchanged
    public var externalID: Patch<String?> = .unchanged
    public var portalAccess: Patch<AccessLevel?> = .unchanged

    public init() {}
}

public struct CustomerFilter: Sendable, Equatable {
    public var companyID: CompanyID?
    public var email: EmailAddress?

    public init(companyID: CompanyID? = nil, email: EmailAddress? = nil) {
        self.companyID = companyID
        self.email = email
    }
}
