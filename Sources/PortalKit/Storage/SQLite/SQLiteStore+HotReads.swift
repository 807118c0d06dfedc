import Foundation

/// The reads every request makes, on the raw read connections (see
/// `SQLiteReadConnections`): workspace lookups, credentials, settings and the
/// portal's issue queries. Column lists come from `SQLiteRows`, so the SELECTs
/// and the decoders reading them by position stay together.
extension SQLiteStore {
    // MARK: Workspaces

    // SQL built once: the text is also the key of the connection's statement cache.
    private static let revisionBySlugSQL = "SELECT \(SQLiteRows.revisionColumns) FROM workspace WHERE slug = ?"
    private static let revisionByIDSQL = "SELECT \(SQLiteRows.revisionColumns) FROM workspace WHERE id = ?"
    private static let revisionByCustomDomainSQL = """
        SELECT \(SQLiteRows.prefixed(SQLiteRows.revisionColumns, with: "w"))
        FROM custom_domain d JOIN workspace w ON w.id = d.workspace_id WHERE d.hostname = ?
        """

    public func workspaceRevision(slug: String) throws(StoreError) -> WorkspaceRevision? {
        try readers.read { connection in
            try connection.memo.revision(.slug(slug)) { () throws(StoreError) in
                try connection.first(Self.revisionBySlugSQL, [.text(slug)]) { Self.workspaceRevision($0, offset: 0) }
            }
        }
    }

    public func workspaceRevision(id: WorkspaceID) throws(StoreError) -> WorkspaceRevision? {
        try readers.read { connection in
            try connection.memo.revision(.workspace(id)) { () throws(StoreError) in
                try connection.first(Self.revisionByIDSQL, [.integer(id.rawValue)]) { Self.workspaceRevision($0, offset: 0) }
            }
        }
    }

    public func workspaceRevision(customDomain hostname: String) throws(StoreError) -> WorkspaceRevision? {
        try readers.read { connection in
            try connection.memo.revision(.customDomain(hostname)) { () throws(StoreError) in
                try connection.first(Self.revisionByCustomDomainSQL, [.text(hostname)]) { Self.workspaceRevision($0, offset: 0) }
            }
        }
    }

    /// A workspace's revision (`SQLiteRows.revisionColumns`) from `offset` on.
    static func workspaceRevision(_ row: SQLiteRow, offset o: Int32) -> WorkspaceRevision {
        WorkspaceRevision(id: WorkspaceID(row.int64(o)), updatedAt: row.int64(o + 1), settingsVersion: row.int64(o + 2),
                          customDomainRevision: row.int64(o + 3))
    }

    private static let workspaceSQL = "SELECT \(SQLiteRows.workspaceColumns) FROM workspace WHERE id = ?"

    public func workspace(id: WorkspaceID) throws(StoreError) -> Workspace? {
        try readers.read { connection in
            try connection.first(Self.workspaceSQL, [.integer(id.rawValue)]) { try Self.workspace($0) }
        }
    }

    private static func workspace(_ row: SQLiteRow) throws -> Workspace {
        Workspace(
            id: WorkspaceID(row.int64(0)), slug: row.text(1), name: row.text(2),
            issueStatuses: try SQLiteCoding.decode([StatusDefinition].self, from: row.text(3)),
            taskStatuses: try SQLiteCoding.decode([StatusDefinition].self, from: row.text(4)),
            priorities: SQLiteCoding.stringArray(from: row.text(5)),
            customFields: try SQLiteCoding.decode([CustomFieldDefinition].self, from: row.text(6)),
            createdAt: row.timestamp(7))
    }

    private static let tenantSnapshotSQL = """
        SELECT \(SQLiteRows.prefixed(SQLiteRows.workspaceColumns, with: "w")), w.portal_settings,
               \(SQLiteRows.prefixed(SQLiteRows.revisionColumns, with: "w")), \(SQLiteRows.prefixed(customDomainColumns, with: "d"))
        FROM workspace w LEFT JOIN custom_domain d ON d.workspace_id = w.id
        WHERE w.id = ?
        """

    public func portalTenantSnapshot(of workspace: WorkspaceID) throws(StoreError) -> PortalTenantSnapshot? {
        try readers.read { connection in
            try connection.first(Self.tenantSnapshotSQL, [.integer(workspace.rawValue)]) { row in
                let revision = Self.workspaceRevision(row, offset: 9)
                let version = revision.settingsVersion
                return PortalTenantSnapshot(
                    workspace: try Self.workspace(row),
                    settings: StoredPortalSettings(document: row.optionalText(8), version: version,
                                                   updatedAt: version > 0 ? Timestamp(millisecondsSinceEpoch: revision.updatedAt) : nil),
                    customDomain: row.isNull(13) ? nil : Self.customDomain(row, offset: 13),
                    revision: revision)
            }
        }
    }

    // MARK: Credentials

    private static let apiKeySQL = """
        SELECT k.id, k.workspace_id, k.name, k.operator_id, k.display_prefix, k.permissions, k.created_at, k.revoked_at,
               o.id, o.workspace_id, o.email, o.name, o.role, o.permissions, o.created_at,
               \(SQLiteRows.prefixed(SQLiteRows.revisionColumns, with: "w"))
        FROM api_key k JOIN workspace w ON w.id = k.workspace_id
        LEFT JOIN operator o ON o.workspace_id = k.workspace_id AND o.id = k.operator_id
        WHERE k.token_hash = ?
        """

    public func apiKey(tokenHash: [UInt8]) throws(StoreError)
        -> (key: APIKey, creator: Operator?, revision: WorkspaceRevision)? {
        try readers.read { connection in
            try connection.first(Self.apiKeySQL, [.blob(tokenHash)]) { row in
                let key = APIKey(
                    id: APIKeyID(row.int64(0)), workspaceID: WorkspaceID(row.int64(1)), name: row.text(2),
                    operatorID: row.optionalInt64(3).map(OperatorID.init), displayPrefix: row.text(4),
                    explicitPermissions: SQLiteCoding.permissions(from: row.optionalText(5)), createdAt: row.timestamp(6),
                    revokedAt: row.optionalTimestamp(7))
                return (key, row.isNull(8) ? nil : Self.operator(row, offset: 8), Self.workspaceRevision(row, offset: 15))
            }
        }
    }

    private static let operatorSessionSQL = """
        SELECT s.id, s.workspace_id, s.operator_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
               o.id, o.workspace_id, o.email, o.name, o.role, o.permissions, o.created_at,
               \(SQLiteRows.prefixed(SQLiteRows.revisionColumns, with: "w"))
        FROM operator_session s JOIN operator o ON o.workspace_id = s.workspace_id AND o.id = s.operator_id
        JOIN workspace w ON w.id = s.workspace_id
        WHERE s.token_hash = ?
        """

    public func operatorSession(tokenHash: [UInt8]) throws(StoreError)
        -> (session: OperatorSession, account: Operator, revision: WorkspaceRevision)? {
        try readers.read { connection in
            try connection.first(Self.operatorSessionSQL, [.blob(tokenHash)]) { row in
                let session = OperatorSession(
                    id: row.int64(0), workspaceID: WorkspaceID(row.int64(1)), operatorID: OperatorID(row.int64(2)),
                    createdAt: row.timestamp(3), lastSeenAt: row.timestamp(4), expiresAt: row.timestamp(5),
                    revokedAt: row.optionalTimestamp(6))
                return (session, Self.operator(row, offset: 7), Self.workspaceRevision(row, offset: 14))
            }
        }
    }

    // SQL built once: the text is also the key of the connection's statement cache.
    private static let portalSessionSQL = """
        SELECT s.id, s.workspace_id, s.customer_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
               s.user_agent, s.client_address, \(SQLiteRows.prefixed(SQLiteRows.customerColumns, with: "c"))
        FROM portal_session s JOIN customer c ON c.workspace_id = s.workspace_id AND c.id = s.customer_id
        WHERE s.token_hash = ? AND s.workspace_id = ?
        """

    public func portalSession(tokenHash: [UInt8], in workspace: WorkspaceID) throws(StoreError) -> (PortalSession, Customer)? {
        try readers.read { connection in
            let key = SQLiteReadMemo.PortalSessionKey(tokenHash: tokenHash, workspace: workspace)
            return try connection.memo.portalSession(key) { () throws(StoreError) in
                try connection.first(Self.portalSessionSQL, [.blob(tokenHash), .integer(workspace.rawValue)]) { row in
                    let session = PortalSession(
                        id: row.int64(0), workspaceID: WorkspaceID(row.int64(1)), customerID: CustomerID(row.int64(2)),
                        createdAt: row.timestamp(3), lastSeenAt: row.timestamp(4), expiresAt: row.timestamp(5),
                        revokedAt: row.optionalTimestamp(6), userAgent: row.optionalText(7), clientAddress: row.optionalText(8))
                    return (session, Self.customer(row, offset: 9))
                }
            }
        }
    }

    private static let customerByEmailSQL = "SELECT \(SQLiteRows.customerColumns) FROM customer WHERE workspace_id = ? AND email = ?"

    public func customer(email: EmailAddress, in workspace: WorkspaceID) throws(StoreError) -> Customer? {
        try readers.read { connection in
            try connection.first(Self.customerByEmailSQL, [.integer(workspace.rawValue), .text(email.value)]) {
                Self.customer($0, offset: 0)
            }
        }
    }

    // MARK: Portal issues

    private static let issueColumnNames = SQLiteRows.issueColumns.split(separator: ",")
        .map { $0.trimmingCharacters(in: .whitespaces) }
    /// The row and the names the detail asks for (each a join per row, so
    /// only when shown). Columns: the issue's, then requester name (14) and
    /// company name (15). The shown custom fields are read from the issue's
    /// own JSON column in Swift: SQLite 3.40's `json_extract` re-parses the
    /// column for every field, about as much as the rest of the row cost.
    private static func portalIssueSelect(_ detail: PortalIssueDetail) -> String {
        let lean = !detail.description && !detail.tags && detail.customFieldKeys.isEmpty
        return portalIssueSelects[(detail.requesterName ? 1 : 0) | (detail.companyName ? 2 : 0) | (lean ? 4 : 0)]
    }

    /// The columns a row leaves unread when the detail does not ask for them;
    /// a lean select names constants instead, so that the list indexes,
    /// which hold every other column, answer it alone (migration v7).
    private static let unreadInLeanRows: [String: String] = ["description": "''", "tags": "'[]'", "custom_fields": "'{}'"]

    /// The eight shapes, built once.
    private static let portalIssueSelects = (0..<8).map { shape in
        let requesterName = shape & 1 != 0, companyName = shape & 2 != 0, lean = shape & 4 != 0
        let columns = issueColumnNames.map { name in (lean ? unreadInLeanRows[name] : nil) ?? "i." + name }
        var sql = "SELECT " + columns.joined(separator: ", ") + ", " + (requesterName ? "c.name" : "NULL") + ", "
            + (companyName ? "co.name" : "NULL")
        sql += " FROM issue i"
        if requesterName { sql += " JOIN customer c ON c.workspace_id = i.workspace_id AND c.id = i.requester_id" }
        if companyName { sql += " LEFT JOIN company co ON co.workspace_id = i.workspace_id AND co.id = i.company_id" }
        return sql
    }

    /// The one statement of the access rule: a condition on the issue alias
    /// `i` and its argument. Reads and the reply write share it.
    static func scopeCondition(_ scope: IssueScope) -> (sql: String, argument: SQLiteArgument) {
        switch scope {
        case .requester(let customer): (" AND i.requester_id = ?", .integer(customer.rawValue))
        case .company(let company): (" AND i.company_id = ?", .integer(company.rawValue))
        }
    }

    private static func scopeCondition(_ scope: IssueScope, arguments: inout [SQLiteArgument]) -> String {
        let condition = scopeCondition(scope)
        arguments.append(condition.argument)
        return condition.sql
    }

    public func portalIssues(_ query: PortalIssueQuery, in workspace: WorkspaceID) throws(StoreError) -> Page<PortalIssueRow> {
        if let statuses = query.statuses, statuses.isEmpty { return Page(items: [], hasMore: false) }
        let (sql, arguments) = Self.portalIssuesStatement(query, in: workspace)
        let detail = query.detail
        let rows = try readers.read { connection in
            try connection.all(sql, arguments, expectedCount: query.limit + 1) { Self.portalIssueRow($0, detail: detail) }
        }
        return Page(fetched: rows, limit: query.limit)
    }

    /// The list's statement: one more row than the page, to tell whether there is a next.
    static func portalIssuesStatement(_ query: PortalIssueQuery, in workspace: WorkspaceID)
        -> (sql: String, arguments: [SQLiteArgument])
    {
        var arguments: [SQLiteArgument] = []
        var sql = Self.portalIssueSelect(query.detail)
        if !query.searchTerms.isEmpty { sql += " JOIN issue_fts ON issue_fts.rowid = i.id" }
        sql += " WHERE i.workspace_id = ?"
        arguments.append(.integer(workspace.rawValue))
        sql += Self.scopeCondition(query.scope, arguments: &arguments)
        if let statuses = query.statuses {
            sql += " AND i.status IN (" + Array(repeating: "?", count: statuses.count).joined(separator: ", ") + ")"
            arguments += statuses.map(SQLiteArgument.text)
        }
        if !query.searchTerms.isEmpty {
            sql += " AND issue_fts MATCH ?"
            arguments.append(.text(Self.ftsQuery(query.searchTerms)))
        }
        if let after = query.after {
            sql += " AND (i.updated_at < ? OR (i.updated_at = ? AND i.id < ?))"
            arguments += [.integer(after.updatedAt.databaseValue), .integer(after.updatedAt.databaseValue), .integer(after.id.rawValue)]
        }
        sql += " ORDER BY i.updated_at DESC, i.id DESC LIMIT ?"
        arguments.append(.integer(Int64(query.limit + 1)))
        return (sql, arguments)
    }

    public func portalIssue(ref: IssueRef, scope: IssueScope, detail: PortalIssueDetail, in workspace: WorkspaceID)
        throws(StoreError) -> PortalIssueRow?
    {
        var arguments: [SQLiteArgument] = []
        var sql = Self.portalIssueSelect(detail)
        arguments += [.integer(workspace.rawValue), .integer(ref.number)]
        sql += " WHERE i.workspace_id = ? AND i.number = ?" + Self.scopeCondition(scope, arguments: &arguments)
        return try readers.read { connection in
            try connection.first(sql, arguments) { Self.portalIssueRow($0, detail: detail) }
        }
    }

    private static let threadMessagesSQL =
        "SELECT \(SQLiteRows.messageColumns) FROM message WHERE workspace_id = ? AND issue_id = ? ORDER BY id"
    private static let threadTasksSQL =
        "SELECT \(SQLiteRows.taskColumns) FROM task WHERE workspace_id = ? AND issue_id = ? ORDER BY position, id"

    public func portalThread(issue: IssueID, in workspace: WorkspaceID) throws(StoreError) -> (messages: [Message], tasks: [IssueTask]) {
        try readers.read { connection in
            // Sized for a usual thread at once: grown from empty, the array was copied four times for ten messages.
            let messages = try connection.all(Self.threadMessagesSQL, [.integer(workspace.rawValue), .integer(issue.rawValue)],
                                              expectedCount: 16) { row in
                Message(id: MessageID(row.int64(0)), workspaceID: WorkspaceID(row.int64(1)), issueID: IssueID(row.int64(2)),
                        role: MessageRole(rawValue: row.text(3)) ?? .support, body: row.text(4), authorName: row.text(5),
                        authorCustomerID: row.optionalInt64(6).map(CustomerID.init),
                        authorOperatorID: row.optionalInt64(7).map(OperatorID.init), createdAt: row.timestamp(8))
            }
            let tasks = try connection.all(Self.threadTasksSQL, [.integer(workspace.rawValue), .integer(issue.rawValue)],
                                           expectedCount: 4) { row in
                IssueTask(id: TaskID(row.int64(0)), workspaceID: WorkspaceID(row.int64(1)), issueID: IssueID(row.int64(2)),
                          title: row.text(3), status: row.text(4), position: row.int(5), createdAt: row.timestamp(6),
                          updatedAt: row.timestamp(7))
            }
            return (messages, tasks)
        }
    }

    // MARK: Decoders

    private static func portalIssueRow(_ row: SQLiteRow, detail: PortalIssueDetail) -> PortalIssueRow {
        let customFields = detail.customFieldKeys.isEmpty
            ? CustomFieldValues() : row.customFieldValues(detail.customFieldKeys, ofColumn: 8)
        return PortalIssueRow(
            issue: Issue(
                id: IssueID(row.int64(0)), workspaceID: WorkspaceID(row.int64(1)), number: row.int64(2), title: row.text(3),
                description: detail.description ? row.text(4) : "", status: row.text(5), priority: row.optionalText(6),
                tags: detail.tags ? SQLiteCoding.stringArray(from: row.text(7)) : [], customFields: customFields,
                requesterID: CustomerID(row.int64(9)), companyID: row.optionalInt64(10).map(CompanyID.init),
                formKey: row.optionalText(11), createdAt: row.timestamp(12), updatedAt: row.timestamp(13)),
            requesterName: row.optionalText(14), companyName: row.optionalText(15))
    }

    static func customer(_ row: SQLiteRow, offset o: Int32) -> Customer {
        Customer(
            id: CustomerID(row.int64(o)), workspaceID: WorkspaceID(row.int64(o + 1)), email: EmailAddress(trusted: row.text(o + 2)),
            name: row.optionalText(o + 3), companyID: row.optionalInt64(o + 4).map(CompanyID.init), externalID: row.optionalText(o + 5),
            portalAccess: row.optionalText(o + 6).flatMap(AccessLevel.init(rawValue:)), createdAt: row.timestamp(o + 7),
            updatedAt: row.timestamp(o + 8))
    }

    static func `operator`(_ row: SQLiteRow, offset o: Int32) -> Operator {
        Operator(
            id: OperatorID(row.int64(o)), workspaceID: WorkspaceID(row.int64(o + 1)), email: EmailAddress(trusted: row.text(o + 2)),
            name: row.text(o + 3), role: OperatorRole(rawValue: row.text(o + 4)) ?? .viewer,
            explicitPermissions: SQLiteCoding.permissions(from: row.optionalText(o + 5)), createdAt: row.timestamp(o + 6))
    }
}

extension SQLiteRow {
    /// The custom field values named `keys` in a column holding an issue's
    /// JSON object of them; none if it holds anything else. A stored `null`
    /// is no value, as it was when SQLite extracted them.
    func customFieldValues(_ keys: [String], ofColumn column: Int32) -> CustomFieldValues {
        withTextBytes(column) { bytes in
            var values = CustomFieldValues(capacity: keys.count)
            var sawNull = false
            do {
                try JSONParser.members(among: keys, ofObject: bytes) { index, value in
                    sawNull = sawNull || value == .null
                    return values.insertNew(keys[index], value)
                }
            } catch {
                return CustomFieldValues()
            }
            if sawNull { values.removeNulls() }
            return values
        } ?? CustomFieldValues()
    }
}
