import GRDB

/// The schema, as a list of versioned migrations. Never edit a shipped
/// migration; add a new one.
///
/// Every workspace-owned table carries `workspace_id`, and references between
/// them are composite (`workspace_id`, id) foreign keys, so the database itself
/// refuses a customer pointing at another workspace's company.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core-model") { db in
            try db.execute(sql: v1CoreModel)
        }
        migrator.registerMigration("v2-sessions-domains-search") { db in
            try db.execute(sql: v2SessionsDomainsSearch)
        }
        migrator.registerMigration("v3-sign-in-and-mail") { db in
            try db.execute(sql: v3SignInAndMail)
        }
        migrator.registerMigration("v4-custom-domain-checks") { db in
            try db.execute(sql: v4CustomDomainChecks)
        }
        migrator.registerMigration("v5-workspace-revision") { db in
            try db.execute(sql: v5WorkspaceRevision)
        }
        migrator.registerMigration("v6-custom-domain-revision") { db in
            try db.execute(sql: v6CustomDomainRevision)
        }
        migrator.registerMigration("v7-covering-list-indexes") { db in
            try db.execute(sql: v7CoveringListIndexes)
        }
        return migrator
    }

    static let v1CoreModel = """
        CREATE TABLE workspace (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            issue_statuses TEXT NOT NULL,
            task_statuses TEXT NOT NULL,
            priorities TEXT NOT NULL,
            custom_fields TEXT NOT NULL,
            portal_settings TEXT,
            portal_settings_version INTEGER NOT NULL DEFAULT 0,
            next_issue_number INTEGER NOT NULL DEFAULT 1001,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );

        CREATE TABLE operator (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id),
            email TEXT NOT NULL,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
            permissions TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (workspace_id, email),
            UNIQUE (workspace_id, id)
        );

        CREATE TABLE api_key (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id),
            operator_id INTEGER,
            name TEXT NOT NULL,
            token_hash BLOB NOT NULL UNIQUE,
            display_prefix TEXT NOT NULL,
            permissions TEXT,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER,
            FOREIGN KEY (workspace_id, operator_id) REFERENCES operator(workspace_id, id)
        );
        CREATE INDEX api_key_workspace ON api_key(workspace_id, id);

        CREATE TABLE company (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id),
            name TEXT NOT NULL,
            external_id TEXT,
            email_domains TEXT NOT NULL DEFAULT '[]',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (workspace_id, id)
        );
        CREATE UNIQUE INDEX company_external_id ON company(workspace_id, external_id) WHERE external_id IS NOT NULL;

        CREATE TABLE customer (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id),
            email TEXT NOT NULL,
            name TEXT,
            company_id INTEGER,
            external_id TEXT,
            portal_access TEXT CHECK (portal_access IN ('admin', 'member', 'none')),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (workspace_id, email),
            UNIQUE (workspace_id, id),
            FOREIGN KEY (workspace_id, company_id) REFERENCES company(workspace_id, id)
        );
        CREATE UNIQUE INDEX customer_external_id ON customer(workspace_id, external_id) WHERE external_id IS NOT NULL;
        CREATE INDEX customer_company ON customer(workspace_id, company_id);

        CREATE TABLE issue (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id),
            number INTEGER NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            priority TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            custom_fields TEXT NOT NULL DEFAULT '{}',
            requester_id INTEGER NOT NULL,
            company_id INTEGER,
            form_key TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (workspace_id, number),
            UNIQUE (workspace_id, id),
            FOREIGN KEY (workspace_id, requester_id) REFERENCES customer(workspace_id, id),
            FOREIGN KEY (workspace_id, company_id) REFERENCES company(workspace_id, id)
        );
        -- The portal's two scopes: a member's own issues, an admin's company's issues,
        -- newest activity first.
        CREATE INDEX issue_requester_recent ON issue(workspace_id, requester_id, updated_at DESC, id DESC);
        CREATE INDEX issue_company_recent ON issue(workspace_id, company_id, updated_at DESC, id DESC);
        CREATE INDEX issue_status ON issue(workspace_id, status, id);

        CREATE TABLE message (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL,
            issue_id INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('customer', 'support')),
            body TEXT NOT NULL,
            author_name TEXT NOT NULL,
            author_customer_id INTEGER,
            author_operator_id INTEGER,
            created_at INTEGER NOT NULL,
            FOREIGN KEY (workspace_id, issue_id) REFERENCES issue(workspace_id, id)
        );
        CREATE INDEX message_issue ON message(workspace_id, issue_id, id);

        CREATE TABLE note (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL,
            issue_id INTEGER NOT NULL,
            body TEXT NOT NULL,
            author_name TEXT NOT NULL,
            author_operator_id INTEGER,
            created_at INTEGER NOT NULL,
            FOREIGN KEY (workspace_id, issue_id) REFERENCES issue(workspace_id, id)
        );
        CREATE INDEX note_issue ON note(workspace_id, issue_id, id);

        CREATE TABLE task (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL,
            issue_id INTEGER NOT NULL,
            title TEXT NOT NULL,
            status TEXT NOT NULL,
            position INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            FOREIGN KEY (workspace_id, issue_id) REFERENCES issue(workspace_id, id)
        );
        CREATE INDEX task_issue ON task(workspace_id, issue_id, position, id);

        CREATE TABLE audit_event (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id),
            actor_kind TEXT NOT NULL,
            actor_id INTEGER,
            actor_label TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT,
            details TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX audit_event_recent ON audit_event(workspace_id, id DESC);
        """

    /// The worker keeps each workspace decoded in memory while its revision
    /// (`updated_at`, settings version) is unchanged. A change to the
    /// definitions made by any other writer (the Woes platform, an operator at
    /// the sqlite3 prompt) must move the revision too, or the portal would keep
    /// showing the old statuses and fields.
    static let v5WorkspaceRevision = """
        CREATE TRIGGER workspace_definitions_revision
        AFTER UPDATE OF slug, name, issue_statuses, task_statuses, priorities, custom_fields, portal_settings ON workspace
        WHEN NEW.updated_at IS OLD.updated_at
        BEGIN
            UPDATE workspace
            SET updated_at = max(OLD.updated_at + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
            WHERE id = NEW.id;
        END;
        """

    /// The worker keeps each workspace's custom domain with its settings, so a
    /// settings read needs no query of its own. Any change to a domain row —
    /// claimed, released, checked, certified, by this program or any other
    /// writer — moves this counter, which is part of the revision. It is not
    /// `updated_at`: that is shown as the time the settings were saved, and a
    /// DNS check is not a save.
    ///
    /// The insert and update triggers run BEFORE the change so they also reach
    /// a row that `INSERT OR REPLACE` / `UPDATE OR REPLACE` would delete for
    /// its hostname or workspace (such deletes fire no delete trigger).
    static let v6CustomDomainRevision = """
        ALTER TABLE workspace ADD COLUMN custom_domain_revision INTEGER NOT NULL DEFAULT 0;
        CREATE TRIGGER custom_domain_revision_insert BEFORE INSERT ON custom_domain
        BEGIN
            UPDATE workspace SET custom_domain_revision = custom_domain_revision + 1
            WHERE id = NEW.workspace_id
               OR id IN (SELECT workspace_id FROM custom_domain WHERE hostname = NEW.hostname);
        END;
        CREATE TRIGGER custom_domain_revision_update BEFORE UPDATE ON custom_domain
        BEGIN
            UPDATE workspace SET custom_domain_revision = custom_domain_revision + 1
            WHERE id IN (OLD.workspace_id, NEW.workspace_id)
               OR id IN (SELECT workspace_id FROM custom_domain WHERE hostname = NEW.hostname);
        END;
        CREATE TRIGGER custom_domain_revision_delete AFTER DELETE ON custom_domain
        BEGIN
            UPDATE workspace SET custom_domain_revision = custom_domain_revision + 1 WHERE id = OLD.workspace_id;
        END;
        """
}

extension SQLiteStore {
    /// Applies pending migrations; returns the names of those applied now.
    @discardableResult
    public func migrate() throws(StoreError) -> [String] {
        do {
            let migrator = SQLiteMigrations.migrator
            let before = try pool.read { db in try migrator.appliedMigrations(db) }
            try migrator.migrate(pool)
            let after = try pool.read { db in try migrator.appliedMigrations(db) }
            return after.filter { !before.contains($0) }
        } catch {
            throw StoreError(error)
        }
    }

    /// Migrations the code knows that the database has not applied yet.
    public func pendingMigrations() throws(StoreError) -> [String] {
        let migrator = SQLiteMigrations.migrator
        return try read { db in
            let applied = Set(try migrator.appliedMigrations(db))
            return migrator.migrations.filter { !applied.contains($0) }
        }
    }
}
