import GRDB

extension SQLiteStore {
    /// Each word as a quoted prefix term, all required: `"export"* "csv"*`.
    /// Words were reduced to letters and digits, so no FTS syntax can pass.
    static func ftsQuery(_ terms: [String]) -> String {
        terms.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    public func addCustomerReply(_ message: NewMessage, issue ref: IssueRef, scope: IssueScope, moving fromStatus: String,
                                 to toStatus: String, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Message? {
        let scopeSQL = scope.isCompany ? Self.replyTouchByCompanySQL : Self.replyTouchByRequesterSQL
        // Replies are the hot write: they share transactions under load.
        return try batchedWrite { db in
            // Cached statements: compiling these two cost more than running them.
            // The scope is in the UPDATE itself, so no read is needed first.
            // fetchAll, not fetchOne: a RETURNING statement must run to its end.
            guard let issue = try Int64.fetchAll(db.cachedStatement(sql: scopeSQL), arguments: [
                now.databaseValue, fromStatus, toStatus, workspace.rawValue, ref.number, scope.rowID,
            ]).first else { return nil }
            try db.cachedStatement(sql: """
                INSERT INTO message (workspace_id, issue_id, role, body, author_name, author_customer_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [workspace.rawValue, issue, message.role.rawValue, message.body, message.authorName,
                                 message.authorCustomerID?.rawValue, now.databaseValue])
            return Message(id: MessageID(db.lastInsertedRowID), workspaceID: workspace, issueID: IssueID(issue), role: message.role,
                           body: message.body, authorName: message.authorName, authorCustomerID: message.authorCustomerID,
                           authorOperatorID: nil, createdAt: now)
        }
    }

    private static let replyTouch = """
        UPDATE issue AS i SET updated_at = ?, status = CASE WHEN status = ? THEN ? ELSE status END
        WHERE i.workspace_id = ? AND i.number = ?
        """
    private static let replyTouchByRequesterSQL = replyTouch + scopeCondition(.requester) + " RETURNING id"
    private static let replyTouchByCompanySQL = replyTouch + scopeCondition(.company) + " RETURNING id"
}
