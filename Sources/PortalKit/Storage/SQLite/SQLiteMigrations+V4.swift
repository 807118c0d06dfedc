extension SQLiteMigrations {
    /// What the DNS checks and the certificate job record about a custom domain.
    static let v4CustomDomainChecks = """
        ALTER TABLE custom_domain ADD COLUMN last_checked_at INTEGER;
        ALTER TABLE custom_domain ADD COLUMN txt_status TEXT;
        ALTER TABLE custom_domain ADD COLUMN cname_target TEXT;
        ALTER TABLE custom_domain ADD COLUMN txt_missing_since INTEGER;
        ALTER TABLE custom_domain ADD COLUMN routing_stopped_at INTEGER;
        ALTER TABLE custom_domain ADD COLUMN certificate_error TEXT;
        ALTER TABLE custom_domain ADD COLUMN certificate_failed_at INTEGER;
        ALTER TABLE custom_domain ADD COLUMN next_certificate_attempt_at INTEGER;
        ALTER TABLE custom_domain ADD COLUMN certificate_attempts INTEGER NOT NULL DEFAULT 0;
        """
}
