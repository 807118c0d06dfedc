/// The one customer-safe projection, shared by the portal and the operator
/// preview. It is an allow-list: a field reaches a customer only when the
/// portal settings make it visible, statuses only as their customer-facing
/// labels, people only as display names. Internal notes, internal status keys,
/// hidden tags and custom fields, operator emails and other customers' emails
/// have no way in.
public struct CustomerProjection: Sendable {
    public let workspace: Workspace
    public let settings: PortalSettings
    public let presentation: PortalPresentation
    /// Who is looking (their own issues may name them).
    public let viewer: Customer

    public init(workspace: Workspace, settings: PortalSettings, viewer: Customer, presentation: PortalPresentation? = nil) {
        self.workspace = workspace
        self.settings = settings
        self.presentation = presentation ?? PortalPresentation(workspace: workspace, settings: settings)
        self.viewer = viewer
    }

    public init(_ principal: CustomerPrincipal) {
        self.init(workspace: principal.workspace, settings: principal.settings, viewer: principal.customer,
                  presentation: principal.tenant.presentation)
    }

    /// An issue for a list (no thread) or, with `thread`, for its detail page.
    public func issue(_ row: PortalIssueRow, thread: (messages: [Message], tasks: [IssueTask])? = nil) -> PortalIssueView {
        issue(row, thread: thread, presentation: presentation)
    }

    // The row's fields are read in place (`row.issue.…`): a local copy of the
    // issue cost a reference count per field per row.
    private func issue(_ row: PortalIssueRow, thread: (messages: [Message], tasks: [IssueTask])?,
                       presentation: PortalPresentation) -> PortalIssueView {
        let visible = { (field: PortalPresentation.BuiltInFields) in presentation.isVisible(field) }
        var customFields: [CustomFieldView] = []
        for field in presentation.visibleCustomFields {
            guard let value = row.issue.customFields[field.key] else { continue }
            customFields.append(CustomFieldView(key: field.key, label: field.label, value: value))
        }
        // Made in one expression, not mutated after: a view filled in after
        // it was made was copied whole on return (~560 instructions a row).
        return PortalIssueView(
            ref: row.issue.ref.description,
            title: visible(.title) ? row.issue.title : nil,
            description: visible(.description) ? row.issue.description : nil,
            statusLabel: visible(.status) ? presentation.statusLabel(row.issue.status) : nil,
            priority: visible(.priority) ? row.issue.priority.map(presentation.priorityLabel) : nil,
            tags: visible(.tags) ? row.issue.tags : nil,
            requesterName: visible(.requester) ? requesterName(row) : nil,
            companyName: visible(.company) ? row.companyName : nil,
            customFields: customFields, createdAt: visible(.createdAt) ? row.issue.createdAt : nil,
            updatedAt: visible(.updatedAt) ? row.issue.updatedAt : nil,
            editableKeys: presentation.editableKeys,
            editableFields: thread == nil || presentation.editableKeys.isEmpty ? [] : editableFields(of: row.issue),
            messages: thread.map { thread in
                thread.messages.map {
                    PortalMessageView(role: $0.role, body: $0.body, authorName: $0.authorName, createdAt: $0.createdAt)
                }
            },
            tasks: thread.flatMap { thread in
                visible(.tasks)
                    ? thread.tasks.map { PortalTaskView(title: $0.title, statusLabel: presentation.taskStatusLabel($0.status)) }
                    : nil
            })
    }

    /// The customer's own issues show their own name (or email); a colleague's
    /// show a display name only, never an email.
    private func requesterName(_ row: PortalIssueRow) -> String {
        if row.issue.requesterID == viewer.id { return viewer.name ?? viewer.email.value }
        return row.requesterName ?? "A colleague"
    }

    /// Visible fields the settings make editable, with their current values.
    public func editableFields(of issue: Issue) -> [EditableFieldView] {
        settings.issueFields.compactMap { field in
            guard field.visible, field.editable else { return nil }
            switch field.key {
            case "title":
                return EditableFieldView(key: "title", label: "Title", type: .text, options: [], value: .string(issue.title))
            case "description":
                return EditableFieldView(key: "description", label: "Description", type: .textarea, options: [],
                                         value: .string(issue.description))
            case "priority":
                return EditableFieldView(key: "priority", label: "Priority", type: .select, options: workspace.priorities,
                                         value: issue.priority.map(JSONValue.string) ?? .null)
            default:
                guard IssueFieldKey.isCustom(field.key),
                      let definition = workspace.customField(IssueFieldKey.customKey(field.key)) else { return nil }
                return EditableFieldView(key: field.key, label: definition.label, type: definition.type,
                                         options: definition.options, value: issue.customFields[definition.key] ?? .null)
            }
        }
    }

    /// The customer-facing status labels in workspace order, each once, with
    /// the internal keys they cover (two keys may share a label).
    public var statusFilters: [(label: String, keys: [String])] { presentation.statusFilters }
}
