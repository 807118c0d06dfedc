import GRDB

extension SQLiteStore {
    private static let customDomainColumns = """
        workspace_id, hostname, verification_token, status, status_reason, created_at, verified_at, certificate_issued_at, \
        activated_at, failed_at, certificate_expires_at, last_checked_at, txt_status, cname_target, txt_missing_since, \
        routing_stopped_at, certificate_error, certificate_failed_at, next_certificate_attempt_at, certificate_attempts
        """

    private static func customDomain(_ row: Row) -> CustomDomain {
        CustomDomain(
            workspaceID: WorkspaceID(row[0]), hostname: row[1], verificationToken: row[2],
            status: CustomDomainStatus(rawValue: row[3]) ?? .failed, statusReason: row[4],
            createdAt: Timestamp(millisecondsSinceEpoch: row[5]), verifiedAt: SQLiteCoding.timestamp(row[6]),
            certificateIssuedAt: SQLiteCoding.timestamp(row[7]), activatedAt: SQLiteCoding.timestamp(row[8]),
            failedAt: SQLiteCoding.timestamp(row[9]), certificateExpiresAt: SQLiteCoding.timestamp(row[10]),
            lastCheckedAt: SQLiteCoding.timestamp(row[11]), txtStatus: (row[12] as String?).flatMap(CustomDomain.TXTStatus.init),
            cnameTarget: row[13], txtMissingSince: SQLiteCoding.timestamp(row[14]), routingStoppedAt: SQLiteCoding.timestamp(row[15]),
            certificateError: row[16], certificateFailedAt: SQLiteCoding.timestamp(row[17]),
            nextCertificateAttemptAt: SQLiteCoding.timestamp(row[18]), certificateAttempts: row[19])
    }

    static func fetchCustomDomain(in workspace: WorkspaceID, db: Database) throws -> CustomDomain? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(customDomainColumns) FROM custom_domain WHERE workspace_id = ?"),
                         arguments: [workspace.rawValue]).map(customDomain)
    }

    public func customDomain(in workspace: WorkspaceID) throws(StoreError) -> CustomDomain? {
        try read { db in try Self.fetchCustomDomain(in: workspace, db: db) }
    }

    public func customDomain(hostname: String) throws(StoreError) -> CustomDomain? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.customDomainColumns) FROM custom_domain WHERE hostname = ?"),
                             arguments: [hostname]).map(Self.customDomain)
        }
    }

    public func allCustomDomains() throws(StoreError) -> [CustomDomain] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.customDomainColumns) FROM custom_domain ORDER BY hostname").map(Self.customDomain)
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
