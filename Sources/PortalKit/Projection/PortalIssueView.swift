/// An issue as a customer may see it. Everything the portal and the operator
/// preview show of an issue is built from this type, and this type is only
/// built by `CustomerProjection`: there is no other way for a field to reach a
/// customer.
public struct PortalIssueView: Sendable, Equatable {
    public var ref: String
    public var title: String?
    public var description: String?
    /// The customer-facing label, never the internal key.
    public var statusLabel: String?
    public var priority: String?
    public var tags: [String]?
    /// A display name only.
    public var requesterName: String?
    public var companyName: String?
    public var customFields: [CustomFieldView]
    public var createdAt: Timestamp?
    public var updatedAt: Timestamp?
    /// Keys of the visible fields the customer may change.
    public var editableKeys: [String]
    /// Those fields with their current values (detail only).
    public var editableFields: [EditableFieldView]
    /// Detail only.
    public var messages: [PortalMessageView]?
    /// Detail only, and only when tasks are visible.
    public var tasks: [PortalTaskView]?
}

public struct CustomFieldView: Sendable, Equatable {
    public var key: String
    public var label: String
    public var value: JSONValue
}

public struct EditableFieldView: Sendable, Equatable {
    /// `title`, `description`, `priority` or `cf.<key>`.
    public var key: String
    public var label: String
    public var type: FieldType
    public var options: [String]
    public var value: JSONValue
}

public struct PortalMessageView: Sendable, Equatable {
    public var role: MessageRole
    public var body: String
    public var authorName: String
    public var createdAt: Timestamp
}

public struct PortalTaskView: Sendable, Equatable {
    public var title: String
    public var statusLabel: String
}
