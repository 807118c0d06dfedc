public protocol OperatorStore {
    func createOperator(_ new: NewOperator, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Operator
    func `operator`(id: OperatorID, in workspace: WorkspaceID) throws(StoreError) -> Operator?
    func `operator`(email: EmailAddress, in workspace: WorkspaceID) throws(StoreError) -> Operator?
    /// Entry point for sign-in on the app host: every membership of an email.
    func operators(email: EmailAddress) throws(StoreError) -> [Operator]
}

public struct NewOperator: Sendable {
    public var email: EmailAddress
    public var name: String
    public var role: OperatorRole
    public var explicitPermissions: PermissionSet?

    public init(email: EmailAddress, name: String, role: OperatorRole, explicitPermissions: PermissionSet? = nil) {
        self.email = email
        self.name = name
        self.role = role
        self.explicitPermissions = explicitPermissions
    }
}
