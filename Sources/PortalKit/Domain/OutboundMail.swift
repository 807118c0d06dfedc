/// An email waiting in, or gone through, the outbox. Mail is committed with
/// the change that causes it (a sign-in code with its challenge) and
/// delivered afterwards by the mail sender.
public struct OutboundMail: Sendable, Equatable {
    public let id: Int64
    public let workspaceID: WorkspaceID?
    public var to: EmailAddress
    /// Shown as the sender's name: the workspace's portal name.
    public var fromName: String
    public var subject: String
    public var textBody: String
    public var htmlBody: String
    public var status: OutboundMailStatus
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var lastError: String?
    public var createdAt: Timestamp
    public var sentAt: Timestamp?

    public init(id: Int64, workspaceID: WorkspaceID?, to: EmailAddress, fromName: String, subject: String, textBody: String,
                htmlBody: String, status: OutboundMailStatus, attempts: Int, nextAttemptAt: Timestamp, lastError: String?,
                createdAt: Timestamp, sentAt: Timestamp?) {
        self.id = id
        self.workspaceID = workspaceID
        self.to = to
        self.fromName = fromName
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}

public enum OutboundMailStatus: String, Sendable, CaseIterable {
    /// Waiting for its next attempt.
    case pending
    /// Claimed by a sender right now.
    case sending
    /// Accepted by the SMTP server: never sent again.
    case sent
    /// Given up: a permanent refusal, too many attempts, or a delivery cut
    /// short by a crash (not retried, because the server may have accepted it).
    case failed
}

/// A mail to enqueue.
public struct NewMail: Sendable, Equatable {
    public var to: EmailAddress
    public var fromName: String
    public var subject: String
    public var textBody: String
    public var htmlBody: String

    public init(to: EmailAddress, fromName: String, subject: String, textBody: String, htmlBody: String) {
        self.to = to
        self.fromName = fromName
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
    }
}
