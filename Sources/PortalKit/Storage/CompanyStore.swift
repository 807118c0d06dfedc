public protocol CompanyStore {
    func createCompany(_ new: NewCompany, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Company
    func company(id: CompanyID, in workspace: WorkspaceID) throws(StoreError) -> Company?
    func company(externalID: String, in workspace: WorkspaceID) throws(StoreError) -> Company?
    /// The oldest company with exactly this name.
    func company(named name: String, in workspace: WorkspaceID) throws(StoreError) -> Company?
    func companies(in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<Company>
    /// Nil when the company does not exist in the workspace.
    func updateCompany(id: CompanyID, _ update: CompanyUpdate, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> Company?
}

public struct NewCompany: Sendable {
    public var name: String
    public var externalID: String?
    public var emailDomains: [String]

    public init(name: String, externalID: String? = nil, emailDomains: [String] = []) {
        self.name = name
        self.externalID = externalID
        self.emailDomains = emailDomains
    }
}

public struct CompanyUpdate: Sendable {
    public var name: Patch<String> = .unchanged
    public var externalID: Patch<String?> = .unchanged
    public var emailDomains: Patch<[String]> = .unchanged

    public init() {}
}
