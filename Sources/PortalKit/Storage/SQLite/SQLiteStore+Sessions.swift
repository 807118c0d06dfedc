import Foundation
import GRDB

extension SQLiteStore {
    private static let portalSessionColumns =
        "s.id, s.workspace_id, s.customer_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at, s.user_agent, s.client_address"

    private static func portalSession(_ row: Row) -> PortalSession {
        PortalSession(
            id: row[0], workspaceID: WorkspaceID(row[1]), customerID: CustomerID(row[2]),
            createdAt: Timestamp(millisecondsSinceEpoch: row[3]), lastSeenAt: Timestamp(millisecondsSinceEpoch: row[4]),
            expiresAt: Timestamp(millisecondsSinceEpoch: row[5]), revokedAt: SQLiteCoding.timestamp(row[6]),
            userAgent: row[7], clientAddress: row[8])
    }

    public func createPortalSession(_ new: NewSession<CustomerID>, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> PortalSession
    {
        try write { db in
            try db.execute(sql: """
                INSERT INTO portal_session (workspace_id, customer_id, token_hash, created_at, last_seen_at, expires_at,
                                            user_agent, client_address)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, new.subject.rawValue, Data(new.tokenHash), now.databaseValue,
                                 now.databaseValue, new.expiresAt.databaseValue, new.userAgent, new.clientAddress])
            return PortalSession(id: db.lastInsertedRowID, workspaceID: workspace, customerID: new.subject, createdAt: now,
                                 lastSeenAt: now, expiresAt: new.expiresAt, revokedAt: nil, userAgent: new.userAgent,
                                 clientAddress: new.clientAddress)
        }
    }

    public func touchPortalSession(id: Int64, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE portal_session SET last_seen_at = ? WHERE workspace_id = ? AND id = ?",
                           arguments: [now.databaseValue, workspace.rawValue, id])
        }
    }

    public func revokePortalSession(id: Int64, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE portal_session SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL",
                           arguments: [now.databaseValue, workspace.rawValue, id])
        }
    }

    public func portalSessions(customer: CustomerID, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> [PortalSession] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.portalSessionColumns) FROM portal_session s
                WHERE s.workspace_id = ? AND s.customer_id = ? AND s.revoked_at IS NULL AND s.expires_at > ?
                ORDER BY s.id DESC
                """, arguments: [workspace.rawValue, customer.rawValue, now.databaseValue]).map(Self.portalSession)
        }
    }

    // MARK: Operators

    public func createOperatorSession(_ new: NewSession<OperatorID>, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> OperatorSession
    {
        try write { db in
            try db.execute(sql: """
                INSERT INTO operator_session (workspace_id, operator_id, token_hash, created_at, last_seen_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, new.subject.rawValue, Data(new.tokenHash), now.databaseValue,
                                 now.databaseValue, new.expiresAt.databaseValue])
            return OperatorSession(id: db.lastInsertedRowID, workspaceID: workspace, operatorID: new.subject, createdAt: now,
                                   lastSeenAt: now, expiresAt: new.expiresAt, revokedAt: nil)
        }
    }

    public func touchOperatorSession(id: Int64, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE operator_session SET last_seen_at = ? WHERE workspace_id = ? AND id = ?",
                           arguments: [now.databaseValue, workspace.rawValue, id])
        }
    }

    public func revokeOperatorSession(id: Int64, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE operator_session SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL",
                           arguments: [now.databaseValue, workspace.rawValue, id])
        }
    }

    public func createOperatorLoginLink(tokenHash: [UInt8], operator operatorID: OperatorID, in workspace: WorkspaceID,
                                        expiresAt: Timestamp, at now: Timestamp) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO operator_login_link (workspace_id, operator_id, token_hash, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, operatorID.rawValue, Data(tokenHash), now.databaseValue,
                                 expiresAt.databaseValue])
        }
    }

    public func consumeOperatorLoginLink(tokenHash: [UInt8], at now: Timestamp) throws(StoreError) -> Operator? {
        try write { db -> Operator? in
            // Single use: only the UPDATE that flips used_at wins.
            guard let row = try Row.fetchOne(db, sql: """
                UPDATE operator_login_link SET used_at = ?
                WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
                RETURNING workspace_id, operator_id
                """, arguments: [now.databaseValue, Data(tokenHash), now.databaseValue]) else { return nil }
            return try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.operatorColumns) FROM operator WHERE workspace_id = ? AND id = ?",
                                    arguments: [row[0] as Int64, row[1] as Int64]).map { SQLiteRows.operator($0) }
        }
    }

    public func peekOperatorLoginLink(tokenHash: [UInt8], at now: Timestamp) throws(StoreError) -> Operator? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT o.id, o.workspace_id, o.email, o.name, o.role, o.permissions, o.created_at
                FROM operator_login_link l JOIN operator o ON o.workspace_id = l.workspace_id AND o.id = l.operator_id
                WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ?
                """, arguments: [Data(tokenHash), now.databaseValue]).map { SQLiteRows.operator($0) }
        }
    }
}
