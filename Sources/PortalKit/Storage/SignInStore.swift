/// Email sign-in codes (for customers and operators), the rate limits around
/// them, and the single-use register of custom-auth tokens.
public protocol SignInStore {
    /// In one transaction: applies the rate limits, records this attempt,
    /// supersedes earlier codes for the email, stores the new challenge, and
    /// enqueues its mail (when there is someone to send it to) and the audit
    /// event. The same writes happen whether or not the email is known.
    func startSignIn(_ start: SignInStart, at now: Timestamp) throws(StoreError) -> SignInStartOutcome
    /// The newest live challenge for an email (not used, burnt or expired).
    func liveChallenge(audience: SignInAudience, workspace: WorkspaceID?, email: EmailAddress, at now: Timestamp)
        throws(StoreError) -> SignInChallenge?
    /// The live challenge of a one-click link.
    func liveChallenge(linkHash: [UInt8], at now: Timestamp) throws(StoreError) -> SignInChallenge?
    /// Counts a wrong code; the `burnAfter`-th burns the challenge. Returns the attempts so far.
    func recordWrongCode(challenge id: Int64, burnAfter: Int, at now: Timestamp) throws(StoreError) -> Int
    /// Uses the challenge up, once: false when it was used, burnt or expired meanwhile.
    func consumeChallenge(id: Int64, at now: Timestamp) throws(StoreError) -> Bool

    /// Records a custom-auth token id; false when it was already used (a replay).
    func registerTokenUse(jti: String, in workspace: WorkspaceID, expiresAt: Timestamp, at now: Timestamp) throws(StoreError) -> Bool
    /// The workspace's HS256 secret for custom auth, if one was generated.
    func customAuthSecret(in workspace: WorkspaceID) throws(StoreError) -> String?
    func setCustomAuthSecret(_ secret: String, audit: NewAuditEvent, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError)
}

public enum SignInAudience: String, Sendable {
    case customer, `operator`
}

/// One sign-in challenge: a 6-digit code and a one-click link, both stored as hashes.
public struct SignInChallenge: Sendable, Equatable {
    public let id: Int64
    public let audience: SignInAudience
    public let workspaceID: WorkspaceID?
    public let email: EmailAddress
    /// The customer it signs in (customer audience), nil when nobody can.
    public let subjectID: Int64?
    public let codeSalt: [UInt8]
    public let codeHash: [UInt8]
    public let createdAt: Timestamp
    public let expiresAt: Timestamp
    public let attempts: Int
}

public struct SignInStart: Sendable {
    public var audience: SignInAudience
    public var workspaceID: WorkspaceID?
    public var email: EmailAddress
    public var clientAddress: String
    public var subjectID: Int64?
    public var codeSalt: [UInt8]
    public var codeHash: [UInt8]
    public var linkHash: [UInt8]
    public var expiresAt: Timestamp
    /// Sent only when someone can sign in with it.
    public var mail: NewMail?
    /// Audit events written with it, each in its workspace.
    public var audits: [(WorkspaceID, NewAuditEvent)]
    public var limits: SignInLimits

    public init(audience: SignInAudience, workspaceID: WorkspaceID?, email: EmailAddress, clientAddress: String, subjectID: Int64?,
                codeSalt: [UInt8], codeHash: [UInt8], linkHash: [UInt8], expiresAt: Timestamp, mail: NewMail?,
                audits: [(WorkspaceID, NewAuditEvent)], limits: SignInLimits) {
        self.audience = audience
        self.workspaceID = workspaceID
        self.email = email
        self.clientAddress = clientAddress
        self.subjectID = subjectID
        self.codeSalt = codeSalt
        self.codeHash = codeHash
        self.linkHash = linkHash
        self.expiresAt = expiresAt
        self.mail = mail
        self.audits = audits
        self.limits = limits
    }
}

/// The rules of issue 5, as numbers.
public struct SignInLimits: Sendable, Equatable {
    public var secondsBetweenCodes: Int64 = 60
    public var codesPerEmailPerHour = 5
    public var codesPerAddressPerHour = 30
    public var codeLifetimeSeconds: Int64 = 600
    public var wrongCodesAllowed = 5

    public init() {}
}

public enum SignInStartOutcome: Sendable, Equatable {
    case started(mailID: Int64?)
    case rateLimited(retryAfterSeconds: Int64)
}
