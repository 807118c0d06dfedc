import Foundation
import GRDB

extension SQLiteStore {
    public func createWorkspace(_ new: NewWorkspace, at now: Timestamp) throws(StoreError) -> Workspace {
        try write { db in
            try db.execute(sql: """
                INSERT INTO workspace (slug, name, issue_statuses, task_statuses, priorities, custom_fields, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [new.slug, new.name, SQLiteCoding.json(new.issueStatuses), SQLiteCoding.json(new.taskStatuses),
                                 SQLiteCoding.stringArray(new.priorities), SQLiteCoding.json(new.customFields),
                                 now.databaseValue, now.databaseValue])
            return Workspace(id: WorkspaceID(db.lastInsertedRowID), slug: new.slug, name: new.name,
                             issueStatuses: new.issueStatuses, taskStatuses: new.taskStatuses, priorities: new.priorities,
                             customFields: new.customFields, createdAt: now)
        }
    }

    public func workspace(slug: String) throws(StoreError) -> Workspace? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteRows.workspaceColumns) FROM workspace WHERE slug = ?"),
                             arguments: [slug]).map(SQLiteRows.workspace)
        }
    }

    public func workspaces() throws(StoreError) -> [Workspace] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.workspaceColumns) FROM workspace ORDER BY id").map(SQLiteRows.workspace)
        }
    }
}

extension SQLiteStore {
    public func createOperator(_ new: NewOperator, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Operator {
        try write { db in
            try db.execute(sql: """
                INSERT INTO operator (workspace_id, email, name, role, permissions, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, new.email.value, new.name, new.role.rawValue,
                                 SQLiteCoding.permissions(new.explicitPermissions), now.databaseValue, now.databaseValue])
            return Operator(id: OperatorID(db.lastInsertedRowID), workspaceID: workspace, email: new.email, name: new.name,
                            role: new.role, explicitPermissions: new.explicitPermissions, createdAt: now)
        }
    }

    public func `operator`(id: OperatorID, in workspace: WorkspaceID) throws(StoreError) -> Operator? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteRows.operatorColumns) FROM operator WHERE workspace_id = ? AND id = ?"),
                             arguments: [workspace.rawValue, id.rawValue]).map { SQLiteRows.operator($0) }
        }
    }

    public func operators(email: EmailAddress) throws(StoreError) -> [Operator] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.operatorColumns) FROM operator WHERE email = ? ORDER BY id",
                             arguments: [email.value]).map { SQLiteRows.operator($0) }
        }
    }

    public func `operator`(email: EmailAddress, in workspace: WorkspaceID) throws(StoreError) -> Operator? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteRows.operatorColumns) FROM operator WHERE workspace_id = ? AND email = ?"),
                             arguments: [workspace.rawValue, email.value]).map { SQLiteRows.operator($0) }
        }
    }
}

extension SQLiteStore {
    public func createAPIKey(_ new: NewAPIKey, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> APIKey {
        try write { db in
            try db.execute(sql: """
                INSERT INTO api_key (workspace_id, operator_id, name, token_hash, display_prefix, permissions, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, new.operatorID?.rawValue, new.name, Data(new.tokenHash),
                                 new.displayPrefix, SQLiteCoding.permissions(new.explicitPermissions), now.databaseValue])
            return APIKey(id: APIKeyID(db.lastInsertedRowID), workspaceID: workspace, name: new.name,
                          operatorID: new.operatorID, displayPrefix: new.displayPrefix,
                          explicitPermissions: new.explicitPermissions, createdAt: now, revokedAt: nil)
        }
    }

    public func apiKeys(in workspace: WorkspaceID) throws(StoreError) -> [APIKey] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.apiKeyColumns) FROM api_key WHERE workspace_id = ? ORDER BY id",
                             arguments: [workspace.rawValue]).map(SQLiteRows.apiKey)
        }
    }

    public func revokeAPIKey(id: APIKeyID, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL",
                           arguments: [now.databaseValue, workspace.rawValue, id.rawValue])
            return db.changesCount > 0
        }
    }
}

extension SQLiteStore {
    public func appendAuditEvent(_ event: NewAuditEvent, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) {
        try write { db in try Self.insertAuditEvent(event, in: workspace, at: now, db: db) }
    }

    /// For writes that must be audited in the same transaction as the change.
    static func insertAuditEvent(_ event: NewAuditEvent, in workspace: WorkspaceID, at now: Timestamp, db: Database) throws {
        try db.execute(sql: """
            INSERT INTO audit_event (workspace_id, actor_kind, actor_id, actor_label, action, target, details, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [workspace.rawValue, event.actor.kind.rawValue, event.actor.id, event.actor.label,
                             event.action, event.target, event.details.serialized, now.databaseValue])
    }

    public func auditEvents(in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<AuditEvent> {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(SQLiteRows.auditColumns) FROM audit_event
                WHERE workspace_id = ? AND id < ? ORDER BY id DESC LIMIT ?
                """, arguments: [workspace.rawValue, page.after ?? Int64.max, page.limit + 1])
            return Page(fetched: rows.map(SQLiteRows.auditEvent), limit: page.limit)
        }
    }
}
