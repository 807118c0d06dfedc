extension SQLiteMigrations {
    /// The outbox, email sign-in challenges, rate-limit events, the single-use
    /// register of custom-auth tokens, and the workspace's custom-auth secret.
    static let v3SignInAndMail = """
        CREATE TABLE outbox_mail (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER REFERENCES workspace(id),
            to_address TEXT NOT NULL,
            from_name TEXT NOT NULL,
            subject TEXT NOT NULL,
            text_body TEXT NOT NULL,
            html_body TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            claimed_at INTEGER,
            last_error TEXT,
            created_at INTEGER NOT NULL,
            sent_at INTEGER
        );
        CREATE INDEX outbox_due ON outbox_mail(status, next_attempt_at, id);

        CREATE TABLE sign_in_challenge (
            id INTEGER PRIMARY KEY,
            audience TEXT NOT NULL CHECK (audience IN ('customer', 'operator')),
            workspace_id INTEGER REFERENCES workspace(id),
            email TEXT NOT NULL,
            subject_id INTEGER,
            code_salt BLOB NOT NULL,
            code_hash BLOB NOT NULL,
            link_hash BLOB NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            consumed_at INTEGER,
            burnt_at INTEGER
        );
        CREATE INDEX sign_in_challenge_email ON sign_in_challenge(audience, email, workspace_id, id);

        CREATE TABLE rate_limit_event (
            id INTEGER PRIMARY KEY,
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX rate_limit_lookup ON rate_limit_event(scope, key, created_at);

        CREATE TABLE used_token (
            workspace_id INTEGER NOT NULL REFERENCES workspace(id),
            jti TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (workspace_id, jti)
        );

        ALTER TABLE workspace ADD COLUMN custom_auth_secret TEXT;
        """
}
