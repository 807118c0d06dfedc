extension SQLiteMigrations {
    /// The portal's two list indexes (a requester's issues, a company's)
    /// also hold every column of a list row except the description, tags and
    /// custom fields, so the HTML list — the portal's home page — reads its
    /// rows from the index alone instead of looking up each row in the table
    /// (one table search per row was ~1 600 instructions; 21 rows a page).
    /// Their keys and order are unchanged, so every query that used them
    /// still does.
    static let v7CoveringListIndexes = """
        DROP INDEX issue_requester_recent;
        CREATE INDEX issue_requester_recent ON issue(workspace_id, requester_id, updated_at DESC, id DESC,
            number, title, status, priority, company_id, form_key, created_at);
        DROP INDEX issue_company_recent;
        CREATE INDEX issue_company_recent ON issue(workspace_id, company_id, updated_at DESC, id DESC,
            number, title, status, priority, requester_id, form_key, created_at);
        """
}
