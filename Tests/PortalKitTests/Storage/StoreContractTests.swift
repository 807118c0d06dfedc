import Foundation
import Synchronization
import Testing
@testable import PortalKit

/// The contract every `PortalStore` implementation must meet. Each test runs
/// against every implementation listed in `StoreKind` (PostgreSQL joins later).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite

    func make() throws -> any PortalStore {
        switch self {
        case .sqlite: return try makeStore()
        }
    }

    var testDescription: String { rawValue }
}

private let now = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

/// Two workspaces with a company, a customer and an issue each.
private struct TwoTenants {
    let store: any PortalStore
    let acme: Workspace
    let globex: Workspace
    let acmeCompany: Company
    let acmeCustomer: Customer
    let acmeIssue: PortalKit.Issue
    let globexCompany: Company
    let globexCustomer: Customer
    let globexIssue: PortalKit.Issue

    init(_ kind: StoreKind) throws {
        store = try kind.make()
        acme = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: now)
        globex = try store.createWorkspace(NewWorkspace(slug: "globex", name: "Globex"), at: now)
        acmeCompany = try store.createCompany(NewCompany(name: "Initech", externalID: "ext-1"), in: acme.id, at: now)
        globexCompany = try store.createCompany(NewCompany(name: "Cypress", externalID: "ext-1"), in: globex.id, at: now)
        acmeCustomer = try store.createCustomer(NewCustomer(email: EmailAddress("a@x.test")!, companyID: acmeCompany.id), in: acme.id, at: now)
        globexCustomer = try store.createCustomer(NewCustomer(email: EmailAddress("a@x.test")!, companyID: globexCompany.id), in: globex.id, at: now)
        acmeIssue = try store.createIssue(NewIssue(title: "Acme issue", status: "new", requesterID: acmeCustomer.id), in: acme.id, at: now)
        globexIssue = try store.createIssue(NewIssue(title: "Globex issue", status: "new", requesterID: globexCustomer.id), in: globex.id, at: now)
    }
}

@Suite("Store contract: every query is scoped to its workspace")
struct StoreScopingTests {
    @Test("rows of one workspace are invisible from another", arguments: StoreKind.allCases)
    func isolation(_ kind: StoreKind) throws {
        let t = try TwoTenants(kind)
        #expect(try t.store.company(id: t.globexCompany.id, in: t.acme.id) == nil)
        #expect(try t.store.customer(id: t.globexCustomer.id, in: t.acme.id) == nil)
        #expect(try t.store.issue(id: t.globexIssue.id, in: t.acme.id) == nil)
        #expect(try t.store.issue(ref: t.globexIssue.ref, in: t.acme.id)?.id == t.acmeIssue.id, "refs are per workspace")
        #expect(try t.store.companies(in: t.acme.id, page: PageRequest(limit: 100)).items.map(\.id) == [t.acmeCompany.id])
        #expect(try t.store.issues(in: t.acme.id, filter: IssueFilter(), page: PageRequest(limit: 100)).items.map(\.id) == [t.acmeIssue.id])
        #expect(try t.store.updateCompany(id: t.globexCompany.id, CompanyUpdate(), in: t.acme.id, at: now) == nil)
        #expect(try t.store.createMessage(NewMessage(role: .support, body: "x", authorName: "y"), issue: t.globexIssue.id,
                                          in: t.acme.id, at: now) == nil)
        #expect(try t.store.createNote(NewNote(body: "x", authorName: "y"), issue: t.globexIssue.id, in: t.acme.id, at: now) == nil)
        #expect(try t.store.createTask(NewTask(title: "x", status: "todo"), issue: t.globexIssue.id, in: t.acme.id, at: now) == nil)
    }

    @Test("references to another workspace's rows are refused", arguments: StoreKind.allCases)
    func crossWorkspaceReferences(_ kind: StoreKind) throws {
        let t = try TwoTenants(kind)
        #expect(throws: StoreError.invalidReference(field: "companyId")) {
            try t.store.createCustomer(NewCustomer(email: EmailAddress("b@x.test")!, companyID: t.globexCompany.id), in: t.acme.id, at: now)
        }
        #expect(throws: StoreError.invalidReference(field: "customerId")) {
            try t.store.createIssue(NewIssue(title: "x", status: "new", requesterID: t.globexCustomer.id), in: t.acme.id, at: now)
        }
        var update = CustomerUpdate()
        update.companyID = .set(t.globexCompany.id)
        #expect(throws: StoreError.invalidReference(field: "companyId")) {
            try t.store.updateCustomer(id: t.acmeCustomer.id, update, in: t.acme.id, at: now)
        }
    }
}

@Suite("Store contract: uniqueness, numbering, pagination")
struct StoreRulesTests {
    @Test("emails and external ids are unique per workspace, reported by field", arguments: StoreKind.allCases)
    func uniqueness(_ kind: StoreKind) throws {
        let t = try TwoTenants(kind)
        #expect(throws: StoreError.conflict(field: "email")) {
            try t.store.createCustomer(NewCustomer(email: EmailAddress("a@x.test")!), in: t.acme.id, at: now)
        }
        #expect(throws: StoreError.conflict(field: "externalId")) {
            try t.store.createCompany(NewCompany(name: "Again", externalID: "ext-1"), in: t.acme.id, at: now)
        }
        #expect(throws: StoreError.conflict(field: "slug")) {
            try t.store.createWorkspace(NewWorkspace(slug: "acme", name: "Again"), at: now)
        }
        // Companies without an external id never conflict with each other.
        _ = try t.store.createCompany(NewCompany(name: "One"), in: t.acme.id, at: now)
        _ = try t.store.createCompany(NewCompany(name: "Two"), in: t.acme.id, at: now)
    }

    @Test("issue references count up per workspace from 1001 and take the requester's company", arguments: StoreKind.allCases)
    func numbering(_ kind: StoreKind) throws {
        let t = try TwoTenants(kind)
        #expect(t.acmeIssue.ref.description == "ISS-1001")
        #expect(t.globexIssue.ref.description == "ISS-1001")
        #expect(t.acmeIssue.companyID == t.acmeCompany.id)
        let second = try t.store.createIssue(NewIssue(title: "b", status: "new", requesterID: t.acmeCustomer.id), in: t.acme.id, at: now)
        #expect(second.ref.description == "ISS-1002")
    }

    @Test("keyset pages return every row exactly once", arguments: StoreKind.allCases)
    func pagination(_ kind: StoreKind) throws {
        let t = try TwoTenants(kind)
        for index in 0..<23 {
            _ = try t.store.createCompany(NewCompany(name: "Company \(index)"), in: t.acme.id, at: now)
        }
        var seen: [CompanyID] = []
        var after: Int64?
        var pages = 0
        repeat {
            let page = try t.store.companies(in: t.acme.id, page: PageRequest(limit: 5, after: after))
            seen += page.items.map(\.id)
            after = page.hasMore ? page.items.last?.id.rawValue : nil
            pages += 1
        } while after != nil
        #expect(seen.count == 24)
        #expect(Set(seen).count == 24)
        #expect(pages == 5)
    }

    @Test("a message touches its issue; tasks are appended in order", arguments: StoreKind.allCases)
    func threads(_ kind: StoreKind) throws {
        let t = try TwoTenants(kind)
        let later = now.adding(seconds: 60)
        _ = try t.store.createMessage(NewMessage(role: .customer, body: "hi", authorName: "A"), issue: t.acmeIssue.id, in: t.acme.id, at: later)
        #expect(try t.store.issue(id: t.acmeIssue.id, in: t.acme.id)?.updatedAt == later)
        let first = try t.store.createTask(NewTask(title: "one", status: "todo"), issue: t.acmeIssue.id, in: t.acme.id, at: now)
        let second = try t.store.createTask(NewTask(title: "two", status: "todo"), issue: t.acmeIssue.id, in: t.acme.id, at: now)
        #expect(first?.position == 1)
        #expect(second?.position == 2)
    }

    @Test("API keys are found by hash with their creator; revoking is scoped", arguments: StoreKind.allCases)
    func apiKeys(_ kind: StoreKind) throws {
        let t = try TwoTenants(kind)
        let owner = try t.store.createOperator(NewOperator(email: EmailAddress("o@acme.test")!, name: "O", role: .viewer),
                                               in: t.acme.id, at: now)
        let token = APIKeyToken.generate()
        let key = try t.store.createAPIKey(NewAPIKey(name: "k", operatorID: owner.id, explicitPermissions: [.customersRead],
                                                     tokenHash: token.hash, displayPrefix: token.displayPrefix), in: t.acme.id, at: now)
        let found = try t.store.apiKey(tokenHash: token.hash)
        #expect(found?.key.id == key.id)
        #expect(found?.creator?.id == owner.id)
        #expect(found?.key.explicitPermissions == [.customersRead])
        #expect(found?.revision == (try t.store.workspaceRevision(id: t.acme.id)))
        #expect(try t.store.revokeAPIKey(id: key.id, in: t.globex.id, at: now) == false)
        #expect(try t.store.revokeAPIKey(id: key.id, in: t.acme.id, at: now) == true)
        #expect(try t.store.apiKey(tokenHash: token.hash)?.key.revokedAt == now)
        #expect(try t.store.apiKey(tokenHash: APIKeyToken.generate().hash) == nil)
    }
}

@Suite("SQLite specifics")
struct SQLiteStoreTests {
    @Test("migrations apply once and report nothing pending afterwards")
    func migrations() throws {
        let store = try makeStore()
        #expect(try store.pendingMigrations().isEmpty)
        #expect(try store.migrate().isEmpty)
        try store.checkHealth()
    }

    @Test("the composite foreign keys refuse a cross-workspace row even past the store's own checks")
    func databaseLevelTenancy() throws {
        let t = try TwoTenants(.sqlite)
        let store = t.store as! SQLiteStore
        #expect(throws: StoreError.self) {
            try store.write { db in
                try db.execute(sql: "INSERT INTO customer (workspace_id, email, company_id, created_at, updated_at) VALUES (?, 'z@x.test', ?, 0, 0)",
                               arguments: [t.acme.id.rawValue, t.globexCompany.id.rawValue])
            }
        }
    }

    @Test("a workspace changed behind the program's back gets a new revision, so cached copies are dropped")
    func revisionMovesOnOutsideChanges() throws {
        let store = try makeStore()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: now)
        let before = try #require(try store.workspaceRevision(id: workspace.id))
        try store.write { db in
            try db.execute(sql: "UPDATE workspace SET custom_fields = '[]', name = 'Acme Inc' WHERE id = ?", arguments: [workspace.id.rawValue])
        }
        let after = try #require(try store.workspaceRevision(id: workspace.id))
        #expect(after.updatedAt > before.updatedAt)
        #expect(after != before)
        // Credentials carry the revision read with them: the same one.
        let owner = try store.createOperator(NewOperator(email: EmailAddress("o@acme.test")!, name: "O", role: .owner),
                                             in: workspace.id, at: now)
        let key = APIKeyToken.generate()
        _ = try store.createAPIKey(NewAPIKey(name: "k", operatorID: owner.id, explicitPermissions: nil, tokenHash: key.hash,
                                             displayPrefix: key.displayPrefix), in: workspace.id, at: now)
        let session = SessionToken.generate().token
        _ = try store.createOperatorSession(NewSession(subject: owner.id, tokenHash: SessionToken.hash(session), expiresAt: now.adding(seconds: 60)),
                                            in: workspace.id, at: now)
        #expect(try store.apiKey(tokenHash: key.hash)?.revision == after)
        #expect(try store.operatorSession(tokenHash: SessionToken.hash(session))?.revision == after)
        // A write that sets the time itself keeps it.
        try store.write { db in
            try db.execute(sql: "UPDATE workspace SET name = 'Acme', updated_at = ? WHERE id = ?",
                           arguments: [after.updatedAt + 5, workspace.id.rawValue])
        }
        #expect(try store.workspaceRevision(id: workspace.id)?.updatedAt == after.updatedAt + 5)
    }

    @Test("with background checkpoints, committed pages reach the database file without a request paying for it")
    func backgroundCheckpoints() throws {
        let store = try makeStore()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: now)
        func fileSize() throws -> Int {
            try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
        }
        let reports = Mutex<[String]>([])
        try store.startBackgroundCheckpoints(every: 0.05) { problem in reports.withLock { $0.append(problem) } }
        try store.startBackgroundCheckpoints(every: 0.05) // a second start changes nothing
        defer { try? store.close() }
        let before = try fileSize()
        // About 1 MB: well under SQLite's own 1 000-page automatic checkpoint.
        try store.write { db in
            for index in 0..<2_000 {
                try db.execute(sql: "INSERT INTO company (workspace_id, name, created_at, updated_at) VALUES (?, ?, 0, 0)",
                               arguments: [workspace.id.rawValue, String(repeating: "x", count: 500) + "\(index)"])
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while try fileSize() < before + 900_000, Date() < deadline { usleep(20_000) }
        #expect(try fileSize() >= before + 900_000)
        #expect(reports.withLock { $0 } == [])
    }

    @Test("a checkpoint thread that cannot open its database says so, and still stops")
    func checkpointerReportsFailure() {
        let reports = Mutex<[String]>([])
        let checkpointer = SQLiteCheckpointer(path: "/nonexistent-\(UUID().uuidString)/portal.sqlite", interval: 0.01) { problem in
            reports.withLock { $0.append(problem) }
        }
        checkpointer.start()
        checkpointer.stop()
        #expect(reports.withLock { $0.count } == 1)
        #expect(reports.withLock { $0.first?.hasPrefix("background checkpoints not started: cannot open the database") } == true)
    }

    @Test("the demo seed builds a workspace with every access level and status")
    func demoSeed() throws {
        let store = try makeStore()
        let result = try DemoSeed.seed(into: store, at: now)
        #expect(Set(result.customers.map(\.portalAccess)) == [.admin, .member, AccessLevel.none, nil])
        #expect(Set(result.issues.map(\.status)) == Set(WorkspaceDefaults.issueStatuses.map(\.key)))
        #expect(try store.apiKey(tokenHash: APIKeyToken.hash(result.apiKey)) != nil)
        #expect(try store.workspace(slug: "globex") != nil)
        let notes = try store.notes(issue: result.issues[0].id, in: result.workspace.id, page: PageRequest(limit: 10))
        #expect(!notes.items.isEmpty)
    }
}
