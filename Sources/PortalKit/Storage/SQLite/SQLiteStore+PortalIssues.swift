import GRDB

extension SQLiteStore {
    private static let portalIssueSelect: String = {
        let issueColumns = SQLiteRows.issueColumns.split(separator: ",").map { "i." + $0.trimmingCharacters(in: " ") }
        return """
            SELECT \(issueColumns.joined(separator: ", ")), c.name, c.email, co.name
            FROM issue i
            JOIN customer c ON c.workspace_id = i.workspace_id AND c.id = i.requester_id
            LEFT JOIN company co ON co.workspace_id = i.workspace_id AND co.id = i.company_id
            """
    }()

    private static func portalIssueRow(_ row: Row) -> PortalIssueRow {
        PortalIssueRow(issue: SQLiteRows.issue(row), requesterName: row[14], requesterEmail: EmailAddress(trusted: row[15]),
                       companyName: row[16])
    }

    /// The scope as a condition on the issue row: the access level, in SQL.
    private static func scopeCondition(_ scope: IssueScope, arguments: inout StatementArguments) -> String {
        switch scope {
        case .requester(let customer):
            _ = arguments.append(contentsOf: [customer.rawValue])
            return " AND i.requester_id = ?"
        case .company(let company):
            _ = arguments.append(contentsOf: [company.rawValue])
            return " AND i.company_id = ?"
        }
    }

    public func portalIssues(_ query: PortalIssueQuery, in workspace: WorkspaceID) throws(StoreError) -> Page<PortalIssueRow> {
        try read { db in
            var sql = Self.portalIssueSelect
            var arguments: StatementArguments = []
            if !query.searchTerms.isEmpty { sql += " JOIN issue_fts ON issue_fts.rowid = i.id" }
            sql += " WHERE i.workspace_id = ?"
            _ = arguments.append(contentsOf: [workspace.rawValue])
            sql += Self.scopeCondition(query.scope, arguments: &arguments)
            if let statuses = query.statuses {
                guard !statuses.isEmpty else { return Page(items: [], hasMore: false) }
                sql += " AND i.status IN (" + Array(repeating: "?", count: statuses.count).joined(separator: ", ") + ")"
                _ = arguments.append(contentsOf: StatementArguments(statuses))
            }
            if !query.searchTerms.isEmpty {
                sql += " AND issue_fts MATCH ?"
                _ = arguments.append(contentsOf: [Self.ftsQuery(query.searchTerms)])
            }
            if let after = query.after {
                sql += " AND (i.updated_at < ? OR (i.updated_at = ? AND i.id < ?))"
                _ = arguments.append(contentsOf: [after.updatedAt.databaseValue, after.updatedAt.databaseValue, after.id.rawValue])
            }
            sql += " ORDER BY i.updated_at DESC, i.id DESC LIMIT ?"
            _ = arguments.append(contentsOf: [query.limit + 1])
            let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
            return Page(fetched: rows.map(Self.portalIssueRow), limit: query.limit)
        }
    }

    /// Each word as a quoted prefix term, all required: `"export"* "csv"*`.
    /// Words were reduced to letters and digits, so no FTS syntax can pass.
    static func ftsQuery(_ terms: [String]) -> String {
        terms.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    public func portalIssue(ref: IssueRef, scope: IssueScope, in workspace: WorkspaceID) throws(StoreError) -> PortalIssueRow? {
        try read { db in
            var arguments: StatementArguments = [workspace.rawValue, ref.number]
            let sql = Self.portalIssueSelect + " WHERE i.workspace_id = ? AND i.number = ?"
                + Self.scopeCondition(scope, arguments: &arguments)
            return try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(Self.portalIssueRow)
        }
    }

    public func portalThread(issue: IssueID, in workspace: WorkspaceID) throws(StoreError) -> (messages: [Message], tasks: [IssueTask]) {
        try read { db in
            let messages = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(SQLiteRows.messageColumns) FROM message WHERE workspace_id = ? AND issue_id = ? ORDER BY id
                """), arguments: [workspace.rawValue, issue.rawValue]).map(SQLiteRows.message)
            let tasks = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(SQLiteRows.taskColumns) FROM task WHERE workspace_id = ? AND issue_id = ? ORDER BY position, id
                """), arguments: [workspace.rawValue, issue.rawValue]).map(SQLiteRows.task)
            return (messages, tasks)
        }
    }

    public func addCustomerReply(_ message: NewMessage, issue: IssueID, moving fromStatus: String, to toStatus: String,
                                 in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Message? {
        try write { db in
            try db.execute(sql: """
                UPDATE issue SET updated_at = ?, status = CASE WHEN status = ? THEN ? ELSE status END
                WHERE workspace_id = ? AND id = ?
                """, arguments: [now.databaseValue, fromStatus, toStatus, workspace.rawValue, issue.rawValue])
            guard db.changesCount > 0 else { return nil }
            try db.execute(sql: """
                INSERT INTO message (workspace_id, issue_id, role, body, author_name, author_customer_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, issue.rawValue, message.role.rawValue, message.body, message.authorName,
                                 message.authorCustomerID?.rawValue, now.databaseValue])
            return Message(id: MessageID(db.lastInsertedRowID), workspaceID: workspace, issueID: issue, role: message.role,
                           body: message.body, authorName: message.authorName, authorCustomerID: message.authorCustomerID,
                           authorOperatorID: nil, createdAt: now)
        }
    }
}
