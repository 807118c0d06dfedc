public protocol SessionStore {
    func createPortalSession(_ new: NewSession<CustomerID>, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> PortalSession
    /// The session for a token hash on this workspace's portal, with its customer.
    func portalSession(tokenHash: [UInt8], in workspace: WorkspaceID) throws(StoreError) -> (PortalSession, Customer)?
    func touchPortalSession(id: Int64, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError)
    func revokePortalSession(id: Int64, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError)
    /// Live sessions of a customer, newest first.
    func portalSessions(customer: CustomerID, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> [PortalSession]

    func createOperatorSession(_ new: NewSession<OperatorID>, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> OperatorSession
    /// Entry point: the token decides the workspace, whose revision comes with it.
    func operatorSession(tokenHash: [UInt8]) throws(StoreError)
        -> (session: OperatorSession, account: Operator, revision: WorkspaceRevision)?
    func touchOperatorSession(id: Int64, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError)
    func revokeOperatorSession(id: Int64, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError)

    /// A one-time sign-in link for an operator (the bootstrap path).
    func createOperatorLoginLink(tokenHash: [UInt8], operator: OperatorID, in workspace: WorkspaceID,
                                 expiresAt: Timestamp, at now: Timestamp) throws(StoreError)
    /// Marks the link used and returns its operator, once; nil when unknown, used or expired.
    func consumeOperatorLoginLink(tokenHash: [UInt8], at now: Timestamp) throws(StoreError) -> Operator?
    /// The operator of a live link, without using it (for the confirmation page).
    func peekOperatorLoginLink(tokenHash: [UInt8], at now: Timestamp) throws(StoreError) -> Operator?
}

/// A session to create: its token's hash and where it came from.
public struct NewSession<Subject: Sendable>: Sendable {
    public var subject: Subject
    public var tokenHash: [UInt8]
    public var expiresAt: Timestamp
    public var userAgent: String?
    public var clientAddress: String?

    public init(subject: Subject, tokenHash: [UInt8], expiresAt: Timestamp, userAgent: String? = nil, clientAddress: String? = nil) {
        self.subject = subject
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
        self.userAgent = userAgent
        self.clientAddress = clientAddress
    }
}
