import GRDB

extension SQLiteStore {
    /// Each word as a quoted prefix term, all required: `"export"* "csv"*`.
    /// Words were reduced to letters and digits, so no FTS syntax can pass.
    static func ftsQuery(_ terms: [String]) -> String {
        terms.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    public func addCustomerReply(_ message: NewMessage, issue: IssueID, moving fromStatus: String, to toStatus: String,
                                 in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Message? {
        // Replies are the hot write: they share transactions under load.
        try batchedWrite { db in
            // Cached statements: compiling these two cost more than running them.
            try db.cachedStatement(sql: """
                UPDATE issue SET updated_at = ?, status = CASE WHEN status = ? THEN ? ELSE status END
                WHERE workspace_id = ? AND id = ?
                """).execute(arguments: [now.databaseValue, fromStatus, toStatus, workspace.rawValue, issue.rawValue])
            guard db.changesCount > 0 else { return nil }
            try db.cachedStatement(sql: """
                INSERT INTO message (workspace_id, issue_id, role, body, author_name, author_customer_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [workspace.rawValue, issue.rawValue, message.role.rawValue, message.body, message.authorName,
                                 message.authorCustomerID?.rawValue, now.databaseValue])
            return Message(id: MessageID(db.lastInsertedRowID), workspaceID: workspace, issueID: issue, role: message.role,
                           body: message.body, authorName: message.authorName, authorCustomerID: message.authorCustomerID,
                           authorOperatorID: nil, createdAt: now)
        }
    }
}
