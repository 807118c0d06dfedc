/// A public message on an issue, seen by the customer.
public struct Message: Sendable, Equatable {
    public let id: MessageID
    public let workspaceID: WorkspaceID
    public let issueID: IssueID
    public var role: MessageRole
    public var body: String
    /// The name shown with the message.
    public var authorName: String
    public var authorCustomerID: CustomerID?
    public var authorOperatorID: OperatorID?
    public var createdAt: Timestamp

    public init(id: MessageID, workspaceID: WorkspaceID, issueID: IssueID, role: MessageRole, body: String,
                authorName: String, authorCustomerID: CustomerID?, authorOperatorID: OperatorID?, createdAt: Timestamp) {
        self.id = id
        self.workspaceID = workspaceID
        self.issueID = issueID
        self.role = role
        self.body = body
        self.authorName = authorName
        self.authorCustomerID = authorCustomerID
        self.authorOperatorID = authorOperatorID
        self.createdAt = createdAt
    }
}

/// Operator and automation replies are both `support`.
public enum MessageRole: String, Sendable, Codable {
    case customer, support
}

/// An operators-only note on an issue: never on any portal route.
public struct Note: Sendable, Equatable {
    public let id: NoteID
    public let workspaceID: WorkspaceID
    public let issueID: IssueID
    public var body: String
    public var authorName: String
    public var authorOperatorID: OperatorID?
    public var createdAt: Timestamp

    public init(id: NoteID, workspaceID: WorkspaceID, issueID: IssueID, body: String, authorName: String,
                authorOperatorID: OperatorID?, createdAt: Timestamp) {
        self.id = id
        self.workspaceID = workspaceID
        self.issueID = issueID
        self.body = body
        self.authorName = authorName
        self.authorOperatorID = authorOperatorID
        self.createdAt = createdAt
    }
}

/// A task on an issue (named so it never shadows Swift's `Task`).
public struct IssueTask: Sendable, Equatable {
    public let id: TaskID
    public let workspaceID: WorkspaceID
    public let issueID: IssueID
    public var title: String
    /// A key of the workspace's task status set.
    public var status: String
    public var position: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: TaskID, workspaceID: WorkspaceID, issueID: IssueID, title: String, status: String, position: Int,
                createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.workspaceID = workspaceID
        self.issueID = issueID
        self.title = title
        self.status = status
        self.position = position
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
