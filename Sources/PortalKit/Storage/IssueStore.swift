public protocol IssueStore {
    /// Allocates the next reference number, takes the company from the requester,
    /// and stores the issue in one transaction.
    func createIssue(_ new: NewIssue, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Issue
    func issue(id: IssueID, in workspace: WorkspaceID) throws(StoreError) -> Issue?
    func issue(ref: IssueRef, in workspace: WorkspaceID) throws(StoreError) -> Issue?
    func issues(in workspace: WorkspaceID, filter: IssueFilter, page: PageRequest) throws(StoreError) -> Page<Issue>
    func updateIssue(id: IssueID, _ update: IssueUpdate, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> Issue?

    /// Adds a public message and touches the issue's `updatedAt`; nil when the
    /// issue is not in the workspace.
    func createMessage(_ new: NewMessage, issue: IssueID, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> Message?
    func messages(issue: IssueID, in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<Message>
    func message(id: MessageID, issue: IssueID, in workspace: WorkspaceID) throws(StoreError) -> Message?
    func updateMessage(id: MessageID, issue: IssueID, body: String, in workspace: WorkspaceID) throws(StoreError) -> Message?

    func createNote(_ new: NewNote, issue: IssueID, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Note?
    func notes(issue: IssueID, in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<Note>
    func note(id: NoteID, issue: IssueID, in workspace: WorkspaceID) throws(StoreError) -> Note?
    func updateNote(id: NoteID, issue: IssueID, body: String, in workspace: WorkspaceID) throws(StoreError) -> Note?

    /// Appends the task after the issue's last one.
    func createTask(_ new: NewTask, issue: IssueID, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> IssueTask?
    func tasks(issue: IssueID, in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<IssueTask>
    func task(id: TaskID, issue: IssueID, in workspace: WorkspaceID) throws(StoreError) -> IssueTask?
    func updateTask(id: TaskID, issue: IssueID, _ update: TaskUpdate, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> IssueTask?
}

public struct NewIssue: Sendable {
    public var title: String
    public var description: String
    public var status: String
    public var priority: String?
    public var tags: [String]
    public var customFields: [String: JSONValue]
    public var requesterID: CustomerID
    public var formKey: String?

    public init(title: String, description: String = "", status: String, priority: String? = nil, tags: [String] = [],
                customFields: [String: JSONValue] = [:], requesterID: CustomerID, formKey: String? = nil) {
        self.title = title
        self.description = description
        self.status = status
        self.priority = priority
        self.tags = tags
        self.customFields = customFields
        self.requesterID = requesterID
        self.formKey = formKey
    }
}

public struct IssueUpdate: Sendable {
    public var title: Patch<String> = .unchanged
    public var description: Patch<String> = .unchanged
    public var status: Patch<String> = .unchanged
    public var priority: Patch<String?> = .unchanged
    public var tags: Patch<[String]> = .unchanged
    /// Replaces the given custom field values; `.null` removes one.
    public var customFields: [String: JSONValue] = [:]

    public init() {}

    public var isEmpty: Bool {
        if case .unchanged = title, case .unchanged = description, case .unchanged = status,
           case .unchanged = priority, case .unchanged = tags, customFields.isEmpty { return true }
        return false
    }
}

public struct IssueFilter: Sendable, Equatable {
    public var requesterID: CustomerID?
    public var companyID: CompanyID?
    public var status: String?

    public init(requesterID: CustomerID? = nil, companyID: CompanyID? = nil, status: String? = nil) {
        self.requesterID = requesterID
        self.companyID = companyID
        self.status = status
    }
}

public struct NewMessage: Sendable {
    public var role: MessageRole
    public var body: String
    public var authorName: String
    public var authorCustomerID: CustomerID?
    public var authorOperatorID: OperatorID?

    public init(role: MessageRole, body: String, authorName: String, authorCustomerID: CustomerID? = nil,
                authorOperatorID: OperatorID? = nil) {
        self.role = role
        self.body = body
        self.authorName = authorName
        self.authorCustomerID = authorCustomerID
        self.authorOperatorID = authorOperatorID
    }
}

public struct NewNote: Sendable {
    public var body: String
    public var authorName: String
    public var authorOperatorID: OperatorID?

    public init(body: String, authorName: String, authorOperatorID: OperatorID? = nil) {
        self.body = body
        self.authorName = authorName
        self.authorOperatorID = authorOperatorID
    }
}

public struct NewTask: Sendable {
    public var title: String
    public var status: String

    public init(title: String, status: String) {
        self.title = title
        self.status = status
    }
}

public struct TaskUpdate: Sendable {
    public var title: Patch<String> = .unchanged
    public var status: Patch<String> = .unchanged
    public var position: Patch<Int> = .unchanged

    public init() {}
}
