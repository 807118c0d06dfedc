import GRDB

extension SQLiteStore {
    public func createCompany(_ new: NewCompany, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Company {
        try write { db in
            try db.execute(sql: """
                INSERT INTO company (workspace_id, name, external_id, email_domains, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, new.name, new.externalID, SQLiteCoding.stringArray(new.emailDomains),
                                 now.databaseValue, now.databaseValue])
            return Company(id: CompanyID(db.lastInsertedRowID), workspaceID: workspace, name: new.name,
                           externalID: new.externalID, emailDomains: new.emailDomains, createdAt: now, updatedAt: now)
        }
    }

    public func company(id: CompanyID, in workspace: WorkspaceID) throws(StoreError) -> Company? {
        try read { db in try Self.fetchCompany(id: id, in: workspace, db: db) }
    }

    public func company(externalID: String, in workspace: WorkspaceID) throws(StoreError) -> Company? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.companyColumns) FROM company WHERE workspace_id = ? AND external_id = ?",
                             arguments: [workspace.rawValue, externalID]).map(SQLiteRows.company)
        }
    }

    public func company(named name: String, in workspace: WorkspaceID) throws(StoreError) -> Company? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.companyColumns) FROM company WHERE workspace_id = ? AND name = ? ORDER BY id LIMIT 1",
                             arguments: [workspace.rawValue, name]).map(SQLiteRows.company)
        }
    }

    static func fetchCompany(id: CompanyID, in workspace: WorkspaceID, db: Database) throws -> Company? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteRows.companyColumns) FROM company WHERE workspace_id = ? AND id = ?"),
                         arguments: [workspace.rawValue, id.rawValue]).map(SQLiteRows.company)
    }

    public func companies(in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<Company> {
        try read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(SQLiteRows.companyColumns) FROM company WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?
                """), arguments: [workspace.rawValue, page.after ?? 0, page.limit + 1])
            return Page(fetched: rows.map(SQLiteRows.company), limit: page.limit)
        }
    }

    public func updateCompany(id: CompanyID, _ update: CompanyUpdate, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> Company?
    {
        try write { db in
            guard var company = try Self.fetchCompany(id: id, in: workspace, db: db) else { return nil }
            update.name.apply(to: &company.name)
            update.externalID.apply(to: &company.externalID)
            update.emailDomains.apply(to: &company.emailDomains)
            company.updatedAt = now
            try db.execute(sql: """
                UPDATE company SET name = ?, external_id = ?, email_domains = ?, updated_at = ?
                WHERE workspace_id = ? AND id = ?
                """, arguments: [company.name, company.externalID, SQLiteCoding.stringArray(company.emailDomains),
                                 now.databaseValue, workspace.rawValue, id.rawValue])
            return company
        }
    }
}

extension SQLiteStore {
    public func createCustomer(_ new: NewCustomer, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError) -> Customer {
        try write { db in
            if let companyID = new.companyID, try Self.fetchCompany(id: companyID, in: workspace, db: db) == nil {
                throw StoreError.invalidReference(field: "companyId")
            }
            try db.execute(sql: """
                INSERT INTO customer (workspace_id, email, name, company_id, external_id, portal_access, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [workspace.rawValue, new.email.value, new.name, new.companyID?.rawValue, new.externalID,
                                 new.portalAccess?.rawValue, now.databaseValue, now.databaseValue])
            return Customer(id: CustomerID(db.lastInsertedRowID), workspaceID: workspace, email: new.email, name: new.name,
                            companyID: new.companyID, externalID: new.externalID, portalAccess: new.portalAccess,
                            createdAt: now, updatedAt: now)
        }
    }

    public func customer(id: CustomerID, in workspace: WorkspaceID) throws(StoreError) -> Customer? {
        try read { db in try Self.fetchCustomer(id: id, in: workspace, db: db) }
    }

    static func fetchCustomer(id: CustomerID, in workspace: WorkspaceID, db: Database) throws -> Customer? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteRows.customerColumns) FROM customer WHERE workspace_id = ? AND id = ?"),
                         arguments: [workspace.rawValue, id.rawValue]).map(SQLiteRows.customer)
    }

    public func customers(in workspace: WorkspaceID, filter: CustomerFilter, page: PageRequest) throws(StoreError) -> Page<Customer> {
        try read { db in
            var sql = "SELECT \(SQLiteRows.customerColumns) FROM customer WHERE workspace_id = ? AND id > ?"
            var arguments: StatementArguments = [workspace.rawValue, page.after ?? 0]
            if let companyID = filter.companyID {
                sql += " AND company_id = ?"
                _ = arguments.append(contentsOf: [companyID.rawValue])
            }
            if let email = filter.email {
                sql += " AND email = ?"
                _ = arguments.append(contentsOf: [email.value])
            }
            sql += " ORDER BY id LIMIT ?"
            _ = arguments.append(contentsOf: [page.limit + 1])
            let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
            return Page(fetched: rows.map(SQLiteRows.customer), limit: page.limit)
        }
    }

    public func updateCustomer(id: CustomerID, _ update: CustomerUpdate, in workspace: WorkspaceID, at now: Timestamp)
        throws(StoreError) -> Customer?
    {
        try write { db in
            guard var customer = try Self.fetchCustomer(id: id, in: workspace, db: db) else { return nil }
            if case .set(let companyID?) = update.companyID, try Self.fetchCompany(id: companyID, in: workspace, db: db) == nil {
                throw StoreError.invalidReference(field: "companyId")
            }
            update.email.apply(to: &customer.email)
            update.name.apply(to: &customer.name)
            update.companyID.apply(to: &customer.companyID)
            update.externalID.apply(to: &customer.externalID)
            update.portalAccess.apply(to: &customer.portalAccess)
            customer.updatedAt = now
            try db.execute(sql: """
                UPDATE customer SET email = ?, name = ?, company_id = ?, external_id = ?, portal_access = ?, updated_at = ?
                WHERE workspace_id = ? AND id = ?
                """, arguments: [customer.email.value, customer.name, customer.companyID?.rawValue, customer.externalID,
                                 customer.portalAccess?.rawValue, now.databaseValue, workspace.rawValue, id.rawValue])
            return customer
        }
    }
}
