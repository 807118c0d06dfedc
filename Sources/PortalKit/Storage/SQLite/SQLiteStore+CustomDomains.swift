import GRDB

extension SQLiteStore {
    static let customDomainColumns = """
        workspace_id, hostname, verification_token, status, status_reason, created_at, verified_at, certificate_issued_at, \
        activated_at, failed_at, certificate_expires_at, last_checked_at, txt_status, cname_target, txt_missing_since, \
        routing_stopped_at, certificate_error, certificate_failed_at, next_certificate_attempt_at, certificate_attempts
        """

    /// One decoder for rows read on GRDB (inside write transactions) and on
    /// the raw read connections (every portal request on a custom domain).
    static func customDomain(_ row: some SQLiteColumns, offset o: Int32 = 0) -> CustomDomain {
        CustomDomain(
            workspaceID: WorkspaceID(row.int64(o)), hostname: row.text(o + 1), verificationToken: row.text(o + 2),
            status: CustomDomainStatus(rawValue: row.text(o + 3)) ?? .failed, statusReason: row.optionalText(o + 4),
            createdAt: row.timestamp(o + 5), verifiedAt: row.optionalTimestamp(o + 6),
            certificateIssuedAt: row.optionalTimestamp(o + 7), activatedAt: row.optionalTimestamp(o + 8),
            failedAt: row.optionalTimestamp(o + 9), certificateExpiresAt: row.optionalTimestamp(o + 10),
            lastCheckedAt: row.optionalTimestamp(o + 11), txtStatus: row.optionalText(o + 12).flatMap(CustomDomain.TXTStatus.init),
            cnameTarget: row.optionalText(o + 13), txtMissingSince: row.optionalTimestamp(o + 14),
            routingStoppedAt: row.optionalTimestamp(o + 15), certificateError: row.optionalText(o + 16),
            certificateFailedAt: row.optionalTimestamp(o + 17), nextCertificateAttemptAt: row.optionalTimestamp(o + 18),
            certificateAttempts: row.int(o + 19))
    }

    private static let customDomainByWorkspaceSQL = "SELECT \(customDomainColumns) FROM custom_domain WHERE workspace_id = ?"
    private static let customDomainByHostnameSQL = "SELECT \(customDomainColumns) FROM custom_domain WHERE hostname = ?"

    static func fetchCustomDomain(in workspace: WorkspaceID, db: Database) throws -> CustomDomain? {
        try Row.fetchOne(db.cachedStatement(sql: customDomainByWorkspaceSQL), arguments: [workspace.rawValue]).map { customDomain($0) }
    }

    public func customDomain(in workspace: WorkspaceID) throws(StoreError) -> CustomDomain? {
        try readers.read { connection in
            try connection.first(Self.customDomainByWorkspaceSQL, [.integer(workspace.rawValue)]) { Self.customDomain($0) }
        }
    }

    public func customDomain(hostname: String) throws(StoreError) -> CustomDomain? {
        try readers.read { connection in
            try connection.first(Self.customDomainByHostnameSQL, [.text(hostname)]) { Self.customDomain($0) }
        }
    }

    public func allCustomDomains() throws(StoreError) -> [CustomDomain] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.customDomainColumns) FROM custom_domain ORDER BY hostname").map { Self.customDomain($0) }
        }
    }

    public func updateCustomDomainState(_ domain: CustomDomain, audit: NewAuditEvent?, at now: Timestamp) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE custom_domain SET status = ?, status_reason = ?, verified_at = ?, certificate_issued_at = ?,
                    activated_at = ?, failed_at = ?, certificate_expires_at = ?, last_checked_at = ?, txt_status = ?,
                    cname_target = ?, txt_missing_since = ?, routing_stopped_at = ?, certificate_error = ?,
                    certificate_failed_at = ?, next_certificate_attempt_at = ?, certificate_attempts = ?
                WHERE workspace_id = ? AND hostname = ? AND verification_token = ?
                """, arguments: [
                    domain.status.rawValue, domain.statusReason, domain.verifiedAt?.databaseValue,
                    domain.certificateIssuedAt?.databaseValue, domain.activatedAt?.databaseValue, domain.failedAt?.databaseValue,
                    domain.certificateExpiresAt?.databaseValue, domain.lastCheckedAt?.databaseValue, domain.txtStatus?.rawValue,
                    domain.cnameTarget, domain.txtMissingSince?.databaseValue, domain.routingStoppedAt?.databaseValue,
                    domain.certificateError, domain.certificateFailedAt?.databaseValue,
                    domain.nextCertificateAttemptAt?.databaseValue, domain.certificateAttempts,
                    domain.workspaceID.rawValue, domain.hostname, domain.verificationToken,
                ])
            guard db.changesCount == 1 else { return false }
            if let audit { try Self.insertAuditEvent(audit, in: domain.workspaceID, at: now, db: db) }
            return true
        }
    }
}
