import GRDB

extension SQLiteStore {
    public func savePortalSettings(_ save: PortalSettingsSave, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Int64 {
        try write { db in
            let current = try Int64.fetchOne(db, sql: "SELECT portal_settings_version FROM workspace WHERE id = ?",
                                             arguments: [workspace.rawValue]) ?? 0
            guard current == save.expectedVersion else { throw StoreError.versionMismatch(current: current) }
            let existing = try Self.fetchCustomDomain(in: workspace, db: db)
            if existing?.hostname != save.customDomain {
                try db.execute(sql: "DELETE FROM custom_domain WHERE workspace_id = ?", arguments: [workspace.rawValue])
                if let hostname = save.customDomain {
                    if try Bool.fetchOne(db, sql: "SELECT 1 FROM custom_domain WHERE hostname = ?", arguments: [hostname]) ?? false {
                        throw StoreError.conflict(field: "customDomain.hostname")
                    }
                    try db.execute(sql: """
                        INSERT INTO custom_domain (workspace_id, hostname, verification_token, status, status_reason, created_at)
                        VALUES (?, ?, ?, 'pending_dns', 'Waiting for the DNS records to be created.', ?)
                        """, arguments: [workspace.rawValue, hostname, save.newDomainToken, now.databaseValue])
                }
            }
            try db.execute(sql: """
                UPDATE workspace SET portal_settings = ?, portal_settings_version = ?, updated_at = ? WHERE id = ?
                """, arguments: [save.document, current + 1, now.databaseValue, workspace.rawValue])
            if let audit = save.audit { try Self.insertAuditEvent(audit, in: workspace, at: now, db: db) }
            return current + 1
        }
    }

    public func setPortalAccess(_ level: AccessLevel?, customer: CustomerID, audit: NewAuditEvent, in workspace: WorkspaceID,
                                at now: Timestamp) throws(StoreError) -> Customer? {
        try write { db in
            try db.execute(sql: "UPDATE customer SET portal_access = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
                           arguments: [level?.rawValue, now.databaseValue, workspace.rawValue, customer.rawValue])
            guard db.changesCount > 0 else { return nil }
            try Self.insertAuditEvent(audit, in: workspace, at: now, db: db)
            return try Self.fetchCustomer(id: customer, in: workspace, db: db)
        }
    }
}
