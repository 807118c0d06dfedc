import GRDB

extension SQLiteStore {
    private static let mailColumns = """
        id, workspace_id, to_address, from_name, subject, text_body, html_body, status, attempts, next_attempt_at, last_error, \
        created_at, sent_at
        """

    private static func mail(_ row: Row) -> OutboundMail {
        OutboundMail(
            id: row[0], workspaceID: (row[1] as Int64?).map(WorkspaceID.init), to: EmailAddress(trusted: row[2]), fromName: row[3],
            subject: row[4], textBody: row[5], htmlBody: row[6], status: OutboundMailStatus(rawValue: row[7]) ?? .failed,
            attempts: row[8], nextAttemptAt: Timestamp(millisecondsSinceEpoch: row[9]), lastError: row[10],
            createdAt: Timestamp(millisecondsSinceEpoch: row[11]), sentAt: SQLiteCoding.timestamp(row[12]))
    }

    static func insertMail(_ mail: NewMail, in workspace: WorkspaceID?, at now: Timestamp, db: Database) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO outbox_mail (workspace_id, to_address, from_name, subject, text_body, html_body, status, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)
            """, arguments: [workspace?.rawValue, mail.to.value, mail.fromName, mail.subject, mail.textBody, mail.htmlBody,
                             now.databaseValue, now.databaseValue])
        return db.lastInsertedRowID
    }

    public func enqueueMail(_ mail: NewMail, in workspace: WorkspaceID?, at now: Timestamp) throws(StoreError) -> OutboundMail {
        try write { db in
            let id = try Self.insertMail(mail, in: workspace, at: now, db: db)
            return try Row.fetchOne(db, sql: "SELECT \(Self.mailColumns) FROM outbox_mail WHERE id = ?", arguments: [id]).map(Self.mail)!
        }
    }

    public func claimDueMail(at now: Timestamp) throws(StoreError) -> OutboundMail? {
        try write { db -> OutboundMail? in
            try Row.fetchOne(db, sql: """
                UPDATE outbox_mail SET status = 'sending', claimed_at = ?, attempts = attempts + 1
                WHERE id = (SELECT id FROM outbox_mail WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1)
                RETURNING \(Self.mailColumns)
                """, arguments: [now.databaseValue, now.databaseValue]).map(Self.mail)
        }
    }

    public func markMailSent(id: Int64, at now: Timestamp) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE outbox_mail SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
                           arguments: [now.databaseValue, id])
        }
    }

    public func markMailFailed(id: Int64, error: String, retryAt: Timestamp?, at now: Timestamp) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                UPDATE outbox_mail SET status = ?, next_attempt_at = ?, last_error = ?, claimed_at = NULL WHERE id = ?
                """, arguments: [retryAt == nil ? "failed" : "pending", (retryAt ?? now).databaseValue, error, id])
        }
    }

    public func abandonInterruptedMail(claimedBefore: Timestamp, at now: Timestamp) throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: """
                UPDATE outbox_mail SET status = 'failed',
                    last_error = 'interrupted during delivery; not retried, as the server may have accepted it'
                WHERE status = 'sending' AND claimed_at < ?
                """, arguments: [claimedBefore.databaseValue])
            return db.changesCount
        }
    }

    public func mailStatus(recent: Int) throws(StoreError) -> (counts: [OutboundMailStatus: Int], recent: [OutboundMail]) {
        try read { db in
            var counts: [OutboundMailStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM outbox_mail GROUP BY status") {
                if let status = OutboundMailStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            let latest = try Row.fetchAll(db, sql: "SELECT \(Self.mailColumns) FROM outbox_mail ORDER BY id DESC LIMIT ?",
                                          arguments: [recent]).map(Self.mail)
            return (counts, latest)
        }
    }
}
