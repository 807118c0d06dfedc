/// What a workspace's settings decide about showing issues, worked out once
/// per settings version (the tenant cache keeps it), so projecting a row is
/// lookups, not string work. A class: every request's projection holds it,
/// and sharing one immutable instance costs one reference count, not one per
/// table it holds.
public final class PortalPresentation: Sendable {
    /// The built-in fields a customer sees; custom fields are listed below.
    public struct BuiltInFields: OptionSet, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        public static let title = Self(rawValue: 1 << 0)
        public static let description = Self(rawValue: 1 << 1)
        public static let status = Self(rawValue: 1 << 2)
        public static let priority = Self(rawValue: 1 << 3)
        public static let tags = Self(rawValue: 1 << 4)
        public static let requester = Self(rawValue: 1 << 5)
        public static let company = Self(rawValue: 1 << 6)
        public static let tasks = Self(rawValue: 1 << 7)
        public static let createdAt = Self(rawValue: 1 << 8)
        public static let updatedAt = Self(rawValue: 1 << 9)

        /// The flag of a settings key (`"title"`), nil for custom fields.
        init?(key: String) {
            switch key {
            case "title": self = .title
            case "description": self = .description
            case "status": self = .status
            case "priority": self = .priority
            case "tags": self = .tags
            case "requester": self = .requester
            case "company": self = .company
            case "tasks": self = .tasks
            case "createdAt": self = .createdAt
            case "updatedAt": self = .updatedAt
            default: return nil
            }
        }
    }

    public let visibleKeys: Set<String>
    /// The same for built-in fields as bits: projecting a row tests these.
    public let visibleBuiltIns: BuiltInFields
    /// Visible custom fields, in settings order, with their labels.
    public let visibleCustomFields: [(key: String, label: String)]
    /// Visible and editable fields, in settings order.
    public let editableKeys: [String]
    public let statusLabels: LabelTable
    public let taskStatusLabels: LabelTable
    public let priorityLabels: LabelTable
    /// The customer-facing status labels in workspace order, each once, with
    /// the internal keys they cover (two keys may share a label).
    public let statusFilters: [(label: String, keys: [String])]

    public init(workspace: Workspace, settings: PortalSettings) {
        visibleKeys = Set(settings.issueFields.filter(\.visible).map(\.key))
        visibleBuiltIns = BuiltInFields(visibleKeys.compactMap(BuiltInFields.init(key:)))
        visibleCustomFields = settings.issueFields.compactMap { field in
            guard field.visible, IssueFieldKey.isCustom(field.key),
                  let definition = workspace.customField(IssueFieldKey.customKey(field.key)) else { return nil }
            return (definition.key, definition.label)
        }
        editableKeys = settings.issueFields.filter { $0.visible && $0.editable }.map(\.key)
        statusLabels = LabelTable(workspace.issueStatuses.map { ($0.key, settings.issueStatusLabel($0.key)) })
        taskStatusLabels = LabelTable(workspace.taskStatuses.map { ($0.key, settings.taskStatusLabel($0.key)) })
        priorityLabels = LabelTable(workspace.priorities.map { ($0, PortalSettings.readable($0)) })
        var filters: [(label: String, keys: [String])] = []
        for status in workspace.issueStatuses {
            let label = settings.issueStatusLabel(status.key)
            if let index = filters.firstIndex(where: { $0.label.lowercased() == label.lowercased() }) {
                filters[index].keys.append(status.key)
            } else {
                filters.append((label, [status.key]))
            }
        }
        statusFilters = filters
    }

    public func isVisible(_ key: String) -> Bool { visibleKeys.contains(key) }
    public func isVisible(_ field: BuiltInFields) -> Bool { visibleBuiltIns.contains(field) }
    public func statusLabel(_ key: String) -> String { statusLabels[key] ?? PortalSettings.readable(key) }
    public func taskStatusLabel(_ key: String) -> String { taskStatusLabels[key] ?? PortalSettings.readable(key) }
    public func priorityLabel(_ key: String) -> String { priorityLabels[key] ?? PortalSettings.readable(key) }
}

/// Labels of a workspace's few statuses or priorities. Every row of a list
/// looks up two; comparing lengths, then text, over a handful of keys costs a
/// fraction of hashing each key for a dictionary.
public struct LabelTable: Sendable {
    private let entries: [(key: String, label: String)]

    /// Keys are the workspace's own, so unique. (Were one repeated, its first
    /// label would win; the dictionary this replaced kept the last one.)
    init(_ entries: [(String, String)]) {
        var unique: [(key: String, label: String)] = []
        for (key, label) in entries where !unique.contains(where: { $0.key == key }) { unique.append((key, label)) }
        self.entries = unique
    }

    public subscript(key: String) -> String? {
        let length = key.utf8.count
        for index in entries.indices where entries[index].key.utf8.count == length && entries[index].key == key {
            return entries[index].label
        }
        return nil
    }
}
