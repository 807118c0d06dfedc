import Foundation
import GRDB

/// Conversions between domain values and SQLite columns. JSON columns hold
/// compact JSON written by `JSONWriter`.
enum SQLiteCoding {
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    static func stringArray(_ values: [String]) -> String {
        var writer = JSONWriter(capacity: 64)
        writer.array { json in for value in values { json.string(value) } }
        return writer.string
    }

    static func stringArray(from text: String) -> [String] {
        guard case .array(let values)? = try? JSONValue.parse(text) else { return [] }
        return values.compactMap(\.stringValue)
    }

    static func jsonObject(from text: String) -> [String: JSONValue] {
        (try? JSONValue.parse(text))?.objectValue ?? [:]
    }

    static func permissions(_ set: PermissionSet?) -> String? {
        set.map { stringArray($0.map(\.rawValue).sorted()) }
    }

    static func permissions(from text: String?) -> PermissionSet? {
        text.map { PermissionSet(stringArray(from: $0).compactMap(Permission.init(rawValue:))) }
    }

    static func timestamp(_ value: Int64?) -> Timestamp? {
        value.map { Timestamp(millisecondsSinceEpoch: $0) }
    }
}

extension Timestamp {
    var databaseValue: Int64 { millisecondsSinceEpoch }
}

/// Column lists and row decoders, one per entity, kept side by side so a SELECT
/// and the decoder reading it by position cannot drift apart.
enum SQLiteRows {
    static let workspaceColumns =
        "id, slug, name, issue_statuses, task_statuses, priorities, custom_fields, created_at"

    /// A workspace's revision, as `SQLiteStore.workspaceRevision(_:offset:)` reads it.
    static let revisionColumns = "id, updated_at, portal_settings_version, custom_domain_revision"

    /// `columns` (a list such as `workspaceColumns`) of the table named `prefix` in a join.
    static func prefixed(_ columns: String, with prefix: String) -> String {
        columns.split(separator: ",").map { "\(prefix)." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
    }

    static func workspace(_ row: Row) throws -> Workspace {
        Workspace(
            id: WorkspaceID(row[0]), slug: row[1], name: row[2],
            issueStatuses: try SQLiteCoding.decode([StatusDefinition].self, from: row[3]),
            taskStatuses: try SQLiteCoding.decode([StatusDefinition].self, from: row[4]),
            priorities: SQLiteCoding.stringArray(from: row[5]),
            customFields: try SQLiteCoding.decode([CustomFieldDefinition].self, from: row[6]),
            createdAt: Timestamp(millisecondsSinceEpoch: row[7]))
    }

    static let operatorColumns = "id, workspace_id, email, name, role, permissions, created_at"

    static func `operator`(_ row: Row, offset: Int = 0) -> Operator {
        Operator(
            id: OperatorID(row[offset]), workspaceID: WorkspaceID(row[offset + 1]),
            email: EmailAddress(trusted: row[offset + 2]), name: row[offset + 3],
            role: OperatorRole(rawValue: row[offset + 4]) ?? .viewer,
            explicitPermissions: SQLiteCoding.permissions(from: row[offset + 5]),
            createdAt: Timestamp(millisecondsSinceEpoch: row[offset + 6]))
    }

    static let apiKeyColumns = "id, workspace_id, name, operator_id, display_prefix, permissions, created_at, revoked_at"

    static func apiKey(_ row: Row) -> APIKey {
        APIKey(
            id: APIKeyID(row[0]), workspaceID: WorkspaceID(row[1]), name: row[2],
            operatorID: (row[3] as Int64?).map(OperatorID.init), displayPrefix: row[4],
            explicitPermissions: SQLiteCoding.permissions(from: row[5]),
            createdAt: Timestamp(millisecondsSinceEpoch: row[6]), revokedAt: SQLiteCoding.timestamp(row[7]))
    }

    static let companyColumns = "id, workspace_id, name, external_id, email_domains, created_at, updated_at"

    static func company(_ row: Row) -> Company {
        Company(
            id: CompanyID(row[0]), workspaceID: WorkspaceID(row[1]), name: row[2], externalID: row[3],
            emailDomains: SQLiteCoding.stringArray(from: row[4]),
            createdAt: Timestamp(millisecondsSinceEpoch: row[5]), updatedAt: Timestamp(millisecondsSinceEpoch: row[6]))
    }

    static let customerColumns =
        "id, workspace_id, email, name, company_id, external_id, portal_access, created_at, updated_at"

    static func customer(_ row: Row) -> Customer { customer(row, offset: 0) }

    static func customer(_ row: Row, offset o: Int) -> Customer {
        Customer(
            id: CustomerID(row[o]), workspaceID: WorkspaceID(row[o + 1]), email: EmailAddress(trusted: row[o + 2]),
            name: row[o + 3], companyID: (row[o + 4] as Int64?).map(CompanyID.init), externalID: row[o + 5],
            portalAccess: (row[o + 6] as String?).flatMap(AccessLevel.init(rawValue:)),
            createdAt: Timestamp(millisecondsSinceEpoch: row[o + 7]), updatedAt: Timestamp(millisecondsSinceEpoch: row[o + 8]))
    }

    static let issueColumns = """
        id, workspace_id, number, title, description, status, priority, tags, custom_fields, requester_id, \
        company_id, form_key, created_at, updated_at
        """

    static func issue(_ row: Row) -> Issue {
        Issue(
            id: IssueID(row[0]), workspaceID: WorkspaceID(row[1]), number: row[2], title: row[3], description: row[4],
            status: row[5], priority: row[6], tags: SQLiteCoding.stringArray(from: row[7]),
            customFields: CustomFieldValues(SQLiteCoding.jsonObject(from: row[8])), requesterID: CustomerID(row[9]),
            companyID: (row[10] as Int64?).map(CompanyID.init), formKey: row[11],
            createdAt: Timestamp(millisecondsSinceEpoch: row[12]), updatedAt: Timestamp(millisecondsSinceEpoch: row[13]))
    }

    static let messageColumns =
        "id, workspace_id, issue_id, role, body, author_name, author_customer_id, author_operator_id, created_at"

    static func message(_ row: Row) -> Message {
        Message(
            id: MessageID(row[0]), workspaceID: WorkspaceID(row[1]), issueID: IssueID(row[2]),
            role: MessageRole(rawValue: row[3]) ?? .support, body: row[4], authorName: row[5],
            authorCustomerID: (row[6] as Int64?).map(CustomerID.init),
            authorOperatorID: (row[7] as Int64?).map(OperatorID.init),
            createdAt: Timestamp(millisecondsSinceEpoch: row[8]))
    }

    static let noteColumns = "id, workspace_id, issue_id, body, author_name, author_operator_id, created_at"

    static func note(_ row: Row) -> Note {
        Note(
            id: NoteID(row[0]), workspaceID: WorkspaceID(row[1]), issueID: IssueID(row[2]), body: row[3],
            authorName: row[4], authorOperatorID: (row[5] as Int64?).map(OperatorID.init),
            createdAt: Timestamp(millisecondsSinceEpoch: row[6]))
    }

    static let taskColumns = "id, workspace_id, issue_id, title, status, position, created_at, updated_at"

    static func task(_ row: Row) -> IssueTask {
        IssueTask(
            id: TaskID(row[0]), workspaceID: WorkspaceID(row[1]), issueID: IssueID(row[2]), title: row[3],
            status: row[4], position: row[5], createdAt: Timestamp(millisecondsSinceEpoch: row[6]),
            updatedAt: Timestamp(millisecondsSinceEpoch: row[7]))
    }

    static let auditColumns = "id, workspace_id, actor_kind, actor_id, actor_label, action, target, details, created_at"

    static func auditEvent(_ row: Row) -> AuditEvent {
        AuditEvent(
            id: AuditEventID(row[0]), workspaceID: WorkspaceID(row[1]),
            actor: AuditActor(kind: AuditActor.Kind(rawValue: row[2]) ?? .system, id: row[3], label: row[4]),
            action: row[5], target: row[6], details: (try? JSONValue.parse(row[7] as String)) ?? .null,
            createdAt: Timestamp(millisecondsSinceEpoch: row[8]))
    }
}
