extension SQLiteMigrations {
    /// Sessions (customers and operators), operator sign-in links, custom
    /// domains, and full-text search over issue titles and descriptions.
    static let v2SessionsDomainsSearch = """
        CREATE TABLE portal_session (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL,
            customer_id INTEGER NOT NULL,
            token_hash BLOB NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER,
            user_agent TEXT,
            client_address TEXT,
            FOREIGN KEY (workspace_id, customer_id) REFERENCES customer(workspace_id, id)
        );
        CREATE INDEX portal_session_customer ON portal_session(workspace_id, customer_id, id);

        CREATE TABLE operator_session (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL,
            operator_id INTEGER NOT NULL,
            token_hash BLOB NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER,
            FOREIGN KEY (workspace_id, operator_id) REFERENCES operator(workspace_id, id)
        );

        CREATE TABLE operator_login_link (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL,
            operator_id INTEGER NOT NULL,
            token_hash BLOB NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            FOREIGN KEY (workspace_id, operator_id) REFERENCES operator(workspace_id, id)
        );

        CREATE TABLE custom_domain (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL UNIQUE REFERENCES workspace(id),
            hostname TEXT NOT NULL UNIQUE,
            verification_token TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending_dns', 'verified', 'certificate_issued', 'active', 'failed')),
            status_reason TEXT,
            created_at INTEGER NOT NULL,
            verified_at INTEGER,
            certificate_issued_at INTEGER,
            activated_at INTEGER,
            failed_at INTEGER,
            certificate_expires_at INTEGER
        );

        CREATE VIRTUAL TABLE issue_fts USING fts5(
            title, description, content='issue', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER issue_fts_insert AFTER INSERT ON issue BEGIN
            INSERT INTO issue_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
        END;
        CREATE TRIGGER issue_fts_delete AFTER DELETE ON issue BEGIN
            INSERT INTO issue_fts(issue_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
        END;
        CREATE TRIGGER issue_fts_update AFTER UPDATE OF title, description ON issue BEGIN
            INSERT INTO issue_fts(issue_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
            INSERT INTO issue_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
        END;
        INSERT INTO issue_fts(issue_fts) VALUES ('rebuild');
        """
}
