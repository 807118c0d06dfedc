import Foundation
import GRDB

extension SQLiteStore {
    private static let challengeColumns = """
        id, audience, workspace_id, email, subject_id, code_salt, code_hash, created_at, expires_at, attempts
        """

    private static func challenge(_ row: Row) -> SignInChallenge {
        SignInChallenge(
            id: row[0], audience: SignInAudience(rawValue: row[1]) ?? .customer, workspaceID: (row[2] as Int64?).map(WorkspaceID.init),
            email: EmailAddress(trusted: row[3]), subjectID: row[4], codeSalt: Array(row[5] as Data), codeHash: Array(row[6] as Data),
            createdAt: Timestamp(millisecondsSinceEpoch: row[7]), expiresAt: Timestamp(millisecondsSinceEpoch: row[8]),
            attempts: row[9])
    }

    public func startSignIn(_ start: SignInStart, at now: Timestamp) throws(StoreError) -> SignInStartOutcome {
        try write { db in
            let scope = start.audience.rawValue + ":" + (start.workspaceID.map { String($0.rawValue) } ?? "app")
            let hourAgo = now.adding(seconds: -3600).databaseValue
            // Per email: one code a minute, five an hour.
            let emailEvents = try Int64.fetchAll(db, sql: """
                SELECT created_at FROM rate_limit_event WHERE scope = ? AND key = ? AND created_at > ? ORDER BY created_at DESC
                """, arguments: [scope + ":email", start.email.value, hourAgo])
            if let last = emailEvents.first, now.millisecondsSinceEpoch - last < start.limits.secondsBetweenCodes * 1000 {
                return .rateLimited(retryAfterSeconds: (last + start.limits.secondsBetweenCodes * 1000 - now.millisecondsSinceEpoch + 999) / 1000)
            }
            if emailEvents.count >= start.limits.codesPerEmailPerHour {
                let oldest = emailEvents[start.limits.codesPerEmailPerHour - 1]
                return .rateLimited(retryAfterSeconds: max(1, (oldest + 3_600_000 - now.millisecondsSinceEpoch + 999) / 1000))
            }
            // Per client address: thirty an hour.
            let addressEvents = try Int64.fetchAll(db, sql: """
                SELECT created_at FROM rate_limit_event WHERE scope = ? AND key = ? AND created_at > ? ORDER BY created_at DESC
                """, arguments: [scope + ":address", start.clientAddress, hourAgo])
            if addressEvents.count >= start.limits.codesPerAddressPerHour {
                let oldest = addressEvents[start.limits.codesPerAddressPerHour - 1]
                return .rateLimited(retryAfterSeconds: max(1, (oldest + 3_600_000 - now.millisecondsSinceEpoch + 999) / 1000))
            }
            for (suffix, key) in [(":email", start.email.value), (":address", start.clientAddress)] {
                try db.execute(sql: "INSERT INTO rate_limit_event (scope, key, created_at) VALUES (?, ?, ?)",
                               arguments: [scope + suffix, key, now.databaseValue])
            }
            // A new code supersedes the earlier ones.
            try db.execute(sql: """
                UPDATE sign_in_challenge SET burnt_at = ?
                WHERE audience = ? AND email = ? AND workspace_id IS ? AND consumed_at IS NULL AND burnt_at IS NULL
                """, arguments: [now.databaseValue, start.audience.rawValue, start.email.value, start.workspaceID?.rawValue])
            try db.execute(sql: """
                INSERT INTO sign_in_challenge (audience, workspace_id, email, subject_id, code_salt, code_hash, link_hash, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [start.audience.rawValue, start.workspaceID?.rawValue, start.email.value, start.subjectID,
                                 Data(start.codeSalt), Data(start.codeHash), Data(start.linkHash), now.databaseValue,
                                 start.expiresAt.databaseValue])
            var mailID: Int64?
            if let mail = start.mail { mailID = try Self.insertMail(mail, in: start.workspaceID, at: now, db: db) }
            for (workspace, audit) in start.audits { try Self.insertAuditEvent(audit, in: workspace, at: now, db: db) }
            // Old events are useless after an hour.
            try db.execute(sql: "DELETE FROM rate_limit_event WHERE created_at < ?", arguments: [now.adding(seconds: -7200).databaseValue])
            return .started(mailID: mailID)
        }
    }

    public func liveChallenge(audience: SignInAudience, workspace: WorkspaceID?, email: EmailAddress, at now: Timestamp)
        throws(StoreError) -> SignInChallenge?
    {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.challengeColumns) FROM sign_in_challenge
                WHERE audience = ? AND email = ? AND workspace_id IS ? AND consumed_at IS NULL AND burnt_at IS NULL AND expires_at > ?
                ORDER BY id DESC LIMIT 1
                """, arguments: [audience.rawValue, email.value, workspace?.rawValue, now.databaseValue]).map(Self.challenge)
        }
    }

    public func liveChallenge(linkHash: [UInt8], at now: Timestamp) throws(StoreError) -> SignInChallenge? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.challengeColumns) FROM sign_in_challenge
                WHERE link_hash = ? AND consumed_at IS NULL AND burnt_at IS NULL AND expires_at > ?
                """, arguments: [Data(linkHash), now.databaseValue]).map(Self.challenge)
        }
    }

    public func recordWrongCode(challenge id: Int64, burnAfter: Int, at now: Timestamp) throws(StoreError) -> Int {
        try write { db in
            let attempts = try Int.fetchOne(db, sql: """
                UPDATE sign_in_challenge SET attempts = attempts + 1 WHERE id = ? RETURNING attempts
                """, arguments: [id]) ?? 0
            if attempts >= burnAfter {
                try db.execute(sql: "UPDATE sign_in_challenge SET burnt_at = ? WHERE id = ? AND burnt_at IS NULL",
                               arguments: [now.databaseValue, id])
            }
            return attempts
        }
    }

    public func consumeChallenge(id: Int64, at now: Timestamp) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE sign_in_challenge SET consumed_at = ?
                WHERE id = ? AND consumed_at IS NULL AND burnt_at IS NULL AND expires_at > ?
                """, arguments: [now.databaseValue, id, now.databaseValue])
            return db.changesCount == 1
        }
    }

    public func registerTokenUse(jti: String, in workspace: WorkspaceID, expiresAt: Timestamp, at now: Timestamp) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM used_token WHERE expires_at < ?", arguments: [now.databaseValue])
            try db.execute(sql: "INSERT OR IGNORE INTO used_token (workspace_id, jti, expires_at) VALUES (?, ?, ?)",
                           arguments: [workspace.rawValue, jti, expiresAt.databaseValue])
            return db.changesCount == 1
        }
    }

    public func customAuthSecret(in workspace: WorkspaceID) throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT custom_auth_secret FROM workspace WHERE id = ?", arguments: [workspace.rawValue])
        }
    }

    public func setCustomAuthSecret(_ secret: String, audit: NewAuditEvent, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE workspace SET custom_auth_secret = ? WHERE id = ?", arguments: [secret, workspace.rawValue])
            try Self.insertAuditEvent(audit, in: workspace, at: now, db: db)
        }
    }
}
