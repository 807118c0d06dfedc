/// A support team's account: its portal slug, its name and the vocabularies its
/// issues use (status sets, priorities, custom fields).
public struct Workspace: Sendable, Equatable {
    public let id: WorkspaceID
    public var slug: String
    public var name: String
    public var issueStatuses: [StatusDefinition]
    public var taskStatuses: [StatusDefinition]
    public var priorities: [String]
    public var customFields: [CustomFieldDefinition]
    public var createdAt: Timestamp

    public init(id: WorkspaceID, slug: String, name: String, issueStatuses: [StatusDefinition],
                taskStatuses: [StatusDefinition], priorities: [String], customFields: [CustomFieldDefinition],
                createdAt: Timestamp) {
        self.id = id
        self.slug = slug
        self.name = name
        self.issueStatuses = issueStatuses
        self.taskStatuses = taskStatuses
        self.priorities = priorities
        self.customFields = customFields
        self.createdAt = createdAt
    }

    /// New issues start in the first status of the set.
    public var initialIssueStatus: String { issueStatuses.first?.key ?? "new" }
    public var initialTaskStatus: String { taskStatuses.first?.key ?? "todo" }

    public func customField(_ key: String) -> CustomFieldDefinition? {
        customFields.first { $0.key == key }
    }
}

/// One status of a workspace's issue or task status set (an internal key and
/// the team's own name for it; customers see the portal's label instead).
public struct StatusDefinition: Sendable, Equatable, Codable {
    public var key: String
    public var name: String

    public init(key: String, name: String) {
        self.key = key
        self.name = name
    }
}

/// A workspace-defined issue field, addressed as `cf.<key>`.
public struct CustomFieldDefinition: Sendable, Equatable, Codable {
    public var key: String
    public var label: String
    public var type: FieldType
    public var options: [String]

    public init(key: String, label: String, type: FieldType, options: [String] = []) {
        self.key = key
        self.label = label
        self.type = type
        self.options = options
    }
}

/// The value types of custom fields and of portal form fields.
public enum FieldType: String, Sendable, Codable, CaseIterable {
    case text, textarea, number, decimal, select, multiSelect = "multi-select", boolean, date, url, email

    public var hasOptions: Bool { self == .select || self == .multiSelect }
}

/// The defaults a new workspace starts with.
public enum WorkspaceDefaults {
    public static let issueStatuses: [StatusDefinition] = [
        .init(key: "new", name: "New"),
        .init(key: "open", name: "Open"),
        .init(key: "waiting_on_customer", name: "Waiting on customer"),
        .init(key: "waiting_on_team", name: "Waiting on team"),
        .init(key: "on_hold", name: "On hold"),
        .init(key: "resolved", name: "Resolved"),
        .init(key: "closed", name: "Closed"),
    ]
    public static let taskStatuses: [StatusDefinition] = [
        .init(key: "todo", name: "To do"),
        .init(key: "in_progress", name: "In progress"),
        .init(key: "done", name: "Done"),
    ]
    public static let priorities = ["low", "normal", "high", "urgent"]
}
