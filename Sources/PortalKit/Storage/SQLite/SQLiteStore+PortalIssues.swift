import GRDB

extension SQLiteStore {
    /// Each word as a quoted prefix term, all required: `"export"* "csv"*`.
    /// Words were reduced to letters and digits, so no FTS syntax can pass.
    static func ftsQuery(_ terms: [String]) -> String {
        terms.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    public func addCustomerReply(_ message: NewMessage, issue ref: IssueRef, scope: IssueScope, moving fromStatus: String,
                                 to toStatus: String, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Message? {
        let scopeCondition = Self.scopeCondition(scope)
        let touchSQL = Self.replyTouch + scopeCondition.sql + " RETURNING id"
        // Replies are the hot write: they share transactions under load.
        return try batchedWrite { connection in
            // The scope is in the UPDATE itself, so no read is needed first.
            guard let issue = try connection.first(touchSQL, [
                .integer(now.databaseValue), .text(fromStatus), .text(toStatus), .integer(workspace.rawValue), .integer(ref.number),
                scopeCondition.argument,
            ], { $0.int64(0) }) else { return nil }
            try connection.execute(Self.insertReplySQL, [
                .integer(workspace.rawValue), .integer(issue), .text(message.role.rawValue), .text(message.body),
                .text(message.authorName), message.authorCustomerID.map { .integer($0.rawValue) } ?? .null, .integer(now.databaseValue),
            ])
            return Message(id: MessageID(connection.lastInsertedRowID), workspaceID: workspace, issueID: IssueID(issue),
                           role: message.role, body: message.body, authorName: message.authorName,
                           authorCustomerID: message.authorCustomerID, authorOperatorID: nil, createdAt: now)
        }
    }

    private static let insertReplySQL = """
        INSERT INTO message (workspace_id, issue_id, role, body, author_name, author_customer_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """
    private static let replyTouch = """
        UPDATE issue AS i SET updated_at = ?, status = CASE WHEN status = ? THEN ? ELSE status END
        WHERE i.workspace_id = ? AND i.number = ?
        """
}
