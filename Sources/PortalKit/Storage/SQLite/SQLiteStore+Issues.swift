import GRDB

extension SQLiteStore {
    public func createIssue(_ new: NewIssue, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Issue {
        try write { db in
            guard let requester = try Self.fetchCustomer(id: new.requesterID, in: workspace, db: db) else {
                throw StoreError.invalidReference(field: "customerId")
            }
            guard let number = try Int64.fetchOne(db, sql: """
                UPDATE workspace SET next_issue_number = next_issue_number + 1 WHERE id = ?
                RETURNING next_issue_number - 1
                """, arguments: [workspace.rawValue]) else {
                throw StoreError.invalidReference(field: "workspace")
            }
            let customFields = JSONValue.object(new.customFields).serialized
            try db.execute(sql: """
                INSERT INTO issue (workspace_id, number, title, description, status, priority, tags, custom_fields,
                                   requester_id, company_id, form_key, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, number, new.title, new.description, new.status, new.priority,
                                 SQLiteCoding.stringArray(new.tags), customFields, requester.id.rawValue,
                                 requester.companyID?.rawValue, new.formKey, now.databaseValue, now.databaseValue])
            return Issue(id: IssueID(db.lastInsertedRowID), workspaceID: workspace, number: number, title: new.title,
                         description: new.description, status: new.status, priority: new.priority, tags: new.tags,
                         customFields: CustomFieldValues(new.customFields), requesterID: requester.id, companyID: requester.companyID,
                         formKey: new.formKey, createdAt: now, updatedAt: now)
        }
    }

    public func issue(id: IssueID, in workspace: WorkspaceID) throws(StoreError) -> Issue? {
        try read { db in try Self.fetchIssue(id: id, in: workspace, db: db) }
    }

    static func fetchIssue(id: IssueID, in workspace: WorkspaceID, db: Database) throws -> Issue? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteRows.issueColumns) FROM issue WHERE workspace_id = ? AND id = ?"),
                         arguments: [workspace.rawValue, id.rawValue]).map(SQLiteRows.issue)
    }

    public func issue(ref: IssueRef, in workspace: WorkspaceID) throws(StoreError) -> Issue? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteRows.issueColumns) FROM issue WHERE workspace_id = ? AND number = ?"),
                             arguments: [workspace.rawValue, ref.number]).map(SQLiteRows.issue)
        }
    }

    public func issues(in workspace: WorkspaceID, filter: IssueFilter, page: PageRequest) throws(StoreError) -> Page<Issue> {
        try read { db in
            var sql = "SELECT \(SQLiteRows.issueColumns) FROM issue WHERE workspace_id = ? AND id > ?"
            var arguments: StatementArguments = [workspace.rawValue, page.after ?? 0]
            if let requesterID = filter.requesterID {
                sql += " AND requester_id = ?"
                _ = arguments.append(contentsOf: [requesterID.rawValue])
            }
            if let companyID = filter.companyID {
                sql += " AND company_id = ?"
                _ = arguments.append(contentsOf: [companyID.rawValue])
            }
            if let status = filter.status {
                sql += " AND status = ?"
                _ = arguments.append(contentsOf: [status])
            }
            sql += " ORDER BY id LIMIT ?"
            _ = arguments.append(contentsOf: [page.limit + 1])
            let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
            return Page(fetched: rows.map(SQLiteRows.issue), limit: page.limit)
        }
    }

    public func updateIssue(id: IssueID, _ update: IssueUpdate, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> Issue?
    {
        try write { db in
            guard var issue = try Self.fetchIssue(id: id, in: workspace, db: db) else { return nil }
            update.title.apply(to: &issue.title)
            update.description.apply(to: &issue.description)
            update.status.apply(to: &issue.status)
            update.priority.apply(to: &issue.priority)
            update.tags.apply(to: &issue.tags)
            for (key, value) in update.customFields {
                if value == .null { issue.customFields.removeValue(forKey: key) } else { issue.customFields[key] = value }
            }
            issue.updatedAt = now
            try db.execute(sql: """
                UPDATE issue SET title = ?, description = ?, status = ?, priority = ?, tags = ?, custom_fields = ?, updated_at = ?
                WHERE workspace_id = ? AND id = ?
                """, arguments: [issue.title, issue.description, issue.status, issue.priority,
                                 SQLiteCoding.stringArray(issue.tags), JSONValue.object(issue.customFields.dictionary).serialized,
                                 now.databaseValue, workspace.rawValue, id.rawValue])
            return issue
        }
    }

    /// Whether the issue exists in the workspace; children are only touched through it.
    static func issueExists(_ issue: IssueID, in workspace: WorkspaceID, db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM issue WHERE workspace_id = ? AND id = ?"),
                          arguments: [workspace.rawValue, issue.rawValue]) ?? false
    }

    static func touchIssue(_ issue: IssueID, in workspace: WorkspaceID, at now: Timestamp, db: Database) throws {
        try db.execute(sql: "UPDATE issue SET updated_at = MAX(updated_at, ?) WHERE workspace_id = ? AND id = ?",
                       arguments: [now.databaseValue, workspace.rawValue, issue.rawValue])
    }

    // MARK: Messages

    public func createMessage(_ new: NewMessage, issue: IssueID, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> Message?
    {
        try write { db in
            guard try Self.issueExists(issue, in: workspace, db: db) else { return nil }
            try db.execute(sql: """
                INSERT INTO message (workspace_id, issue_id, role, body, author_name, author_customer_id, author_operator_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, issue.rawValue, new.role.rawValue, new.body, new.authorName,
                                 new.authorCustomerID?.rawValue, new.authorOperatorID?.rawValue, now.databaseValue])
            let message = Message(id: MessageID(db.lastInsertedRowID), workspaceID: workspace, issueID: issue, role: new.role,
                                  body: new.body, authorName: new.authorName, authorCustomerID: new.authorCustomerID,
                                  authorOperatorID: new.authorOperatorID, createdAt: now)
            try Self.touchIssue(issue, in: workspace, at: now, db: db)
            return message
        }
    }

    public func messages(issue: IssueID, in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<Message> {
        try read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(SQLiteRows.messageColumns) FROM message
                WHERE workspace_id = ? AND issue_id = ? AND id > ? ORDER BY id LIMIT ?
                """), arguments: [workspace.rawValue, issue.rawValue, page.after ?? 0, page.limit + 1])
            return Page(fetched: rows.map(SQLiteRows.message), limit: page.limit)
        }
    }

    public func message(id: MessageID, issue: IssueID, in workspace: WorkspaceID) throws(StoreError) -> Message? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT \(SQLiteRows.messageColumns) FROM message WHERE workspace_id = ? AND issue_id = ? AND id = ?
                """), arguments: [workspace.rawValue, issue.rawValue, id.rawValue]).map(SQLiteRows.message)
        }
    }

    public func updateMessage(id: MessageID, issue: IssueID, body: String, in workspace: WorkspaceID) throws(StoreError) -> Message? {
        try write { db in
            try db.execute(sql: "UPDATE message SET body = ? WHERE workspace_id = ? AND issue_id = ? AND id = ?",
                           arguments: [body, workspace.rawValue, issue.rawValue, id.rawValue])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.messageColumns) FROM message WHERE id = ?",
                                    arguments: [id.rawValue]).map(SQLiteRows.message)
        }
    }

    // MARK: Notes

    public func createNote(_ new: NewNote, issue: IssueID, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Note? {
        try write { db in
            guard try Self.issueExists(issue, in: workspace, db: db) else { return nil }
            try db.execute(sql: """
                INSERT INTO note (workspace_id, issue_id, body, author_name, author_operator_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, issue.rawValue, new.body, new.authorName,
                                 new.authorOperatorID?.rawValue, now.databaseValue])
            return Note(id: NoteID(db.lastInsertedRowID), workspaceID: workspace, issueID: issue, body: new.body,
                        authorName: new.authorName, authorOperatorID: new.authorOperatorID, createdAt: now)
        }
    }

    public func notes(issue: IssueID, in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<Note> {
        try read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(SQLiteRows.noteColumns) FROM note
                WHERE workspace_id = ? AND issue_id = ? AND id > ? ORDER BY id LIMIT ?
                """), arguments: [workspace.rawValue, issue.rawValue, page.after ?? 0, page.limit + 1])
            return Page(fetched: rows.map(SQLiteRows.note), limit: page.limit)
        }
    }

    public func note(id: NoteID, issue: IssueID, in workspace: WorkspaceID) throws(StoreError) -> Note? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT \(SQLiteRows.noteColumns) FROM note WHERE workspace_id = ? AND issue_id = ? AND id = ?
                """), arguments: [workspace.rawValue, issue.rawValue, id.rawValue]).map(SQLiteRows.note)
        }
    }

    public func updateNote(id: NoteID, issue: IssueID, body: String, in workspace: WorkspaceID) throws(StoreError) -> Note? {
        try write { db in
            try db.execute(sql: "UPDATE note SET body = ? WHERE workspace_id = ? AND issue_id = ? AND id = ?",
                           arguments: [body, workspace.rawValue, issue.rawValue, id.rawValue])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.noteColumns) FROM note WHERE id = ?",
                                    arguments: [id.rawValue]).map(SQLiteRows.note)
        }
    }

    // MARK: Tasks

    public func createTask(_ new: NewTask, issue: IssueID, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> IssueTask? {
        try write { db in
            guard try Self.issueExists(issue, in: workspace, db: db) else { return nil }
            let position = try Int.fetchOne(db, sql: """
                SELECT COALESCE(MAX(position), 0) + 1 FROM task WHERE workspace_id = ? AND issue_id = ?
                """, arguments: [workspace.rawValue, issue.rawValue]) ?? 1
            try db.execute(sql: """
                INSERT INTO task (workspace_id, issue_id, title, status, position, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, issue.rawValue, new.title, new.status, position,
                                 now.databaseValue, now.databaseValue])
            let task = IssueTask(id: TaskID(db.lastInsertedRowID), workspaceID: workspace, issueID: issue, title: new.title,
                                 status: new.status, position: position, createdAt: now, updatedAt: now)
            try Self.touchIssue(issue, in: workspace, at: now, db: db)
            return task
        }
    }

    public func tasks(issue: IssueID, in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<IssueTask> {
        try read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(SQLiteRows.taskColumns) FROM task
                WHERE workspace_id = ? AND issue_id = ? AND id > ? ORDER BY id LIMIT ?
                """), arguments: [workspace.rawValue, issue.rawValue, page.after ?? 0, page.limit + 1])
            return Page(fetched: rows.map(SQLiteRows.task), limit: page.limit)
        }
    }

    public func task(id: TaskID, issue: IssueID, in workspace: WorkspaceID) throws(StoreError) -> IssueTask? {
        try read { db in try Self.fetchTask(id: id, issue: issue, in: workspace, db: db) }
    }

    static func fetchTask(id: TaskID, issue: IssueID, in workspace: WorkspaceID, db: Database) throws -> IssueTask? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT \(SQLiteRows.taskColumns) FROM task WHERE workspace_id = ? AND issue_id = ? AND id = ?
            """), arguments: [workspace.rawValue, issue.rawValue, id.rawValue]).map(SQLiteRows.task)
    }

    public func updateTask(id: TaskID, issue: IssueID, _ update: TaskUpdate, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> IssueTask?
    {
        try write { db in
            guard var task = try Self.fetchTask(id: id, issue: issue, in: workspace, db: db) else { return nil }
            update.title.apply(to: &task.title)
            update.status.apply(to: &task.status)
            update.position.apply(to: &task.position)
            task.updatedAt = now
            try db.execute(sql: """
                UPDATE task SET title = ?, status = ?, position = ?, updated_at = ? WHERE workspace_id = ? AND id = ?
                """, arguments: [task.title, task.status, task.position, now.databaseValue, workspace.rawValue, id.rawValue])
            try Self.touchIssue(issue, in: workspace, at: now, db: db)
            return task
        }
    }
}
