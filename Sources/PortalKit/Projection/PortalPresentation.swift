/// What a workspace's settings decide about showing issues, worked out once
/// per settings version (the tenant cache keeps it), so projecting a row is
/// lookups, not string work.
public struct PortalPresentation: Sendable {
    public let visibleKeys: Set<String>
    /// Visible custom fields, in settings order, with their labels.
    public let visibleCustomFields: [(key: String, label: String)]
    /// Visible and editable fields, in settings order.
    public let editableKeys: [String]
    public let statusLabels: [String: String]
    public let taskStatusLabels: [String: String]
    public let priorityLabels: [String: String]

    public init(workspace: Workspace, settings: PortalSettings) {
        visibleKeys = Set(settings.issueFields.filter(\.visible).map(\.key))
        visibleCustomFields = settings.issueFields.compactMap { field in
            guard field.visible, IssueFieldKey.isCustom(field.key),
                  let definition = workspace.customField(IssueFieldKey.customKey(field.key)) else { return nil }
            return (definition.key, definition.label)
        }
        editableKeys = settings.issueFields.filter { $0.visible && $0.editable }.map(\.key)
        var statuses: [String: String] = [:]
        for status in workspace.issueStatuses { statuses[status.key] = settings.issueStatusLabel(status.key) }
        statusLabels = statuses
        var tasks: [String: String] = [:]
        for status in workspace.taskStatuses { tasks[status.key] = settings.taskStatusLabel(status.key) }
        taskStatusLabels = tasks
        priorityLabels = Dictionary(uniqueKeysWithValues: workspace.priorities.map { ($0, PortalSettings.readable($0)) })
    }

    public func isVisible(_ key: String) -> Bool { visibleKeys.contains(key) }
    public func statusLabel(_ key: String) -> String { statusLabels[key] ?? PortalSettings.readable(key) }
    public func taskStatusLabel(_ key: String) -> String { taskStatusLabels[key] ?? PortalSettings.readable(key) }
    public func priorityLabel(_ key: String) -> String { priorityLabels[key] ?? PortalSettings.readable(key) }
}
