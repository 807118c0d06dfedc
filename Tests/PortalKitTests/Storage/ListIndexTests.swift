import Foundation
import Testing
@testable import PortalKit

/// The portal's issue lists read a requester's or a company's issues in
/// `updated_at` order from an index; the lean rows of the HTML list (no
/// description, tags or custom fields) from that index alone (migration v7).
@Suite("The portal's list queries: one index each, and the HTML list's rows from the index alone")
struct ListIndexTests {
    private let now = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

    private struct Fixture {
        let directory: URL
        let store: SQLiteStore
        let workspace: Workspace
        let company: Company
        let customer: Customer
        let issue: PortalKit.Issue

        func plan(_ query: PortalIssueQuery) throws -> [String] {
            let connection = try RawSQLiteConnection(readOnlyPath: directory.appendingPathComponent("portal.sqlite").path)
            defer { connection.close() }
            let (sql, arguments) = SQLiteStore.portalIssuesStatement(query, in: workspace.id)
            return try connection.all("EXPLAIN QUERY PLAN " + sql, arguments) { $0.text(3) }
        }
    }

    private func fixture() throws -> Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portal-tests-\(UUID().uuidString)")
        let store = try SQLiteStore(path: directory.appendingPathComponent("portal.sqlite").path, options: .init())
        _ = try store.migrate()
        let workspace = try store.createWorkspace(NewWorkspace(slug: "acme", name: "Acme"), at: now)
        let company = try store.createCompany(NewCompany(name: "Initech"), in: workspace.id, at: now)
        let customer = try store.createCustomer(NewCustomer(email: EmailAddress("a@x.test")!, companyID: company.id),
                                                in: workspace.id, at: now)
        let issue = try store.createIssue(
            NewIssue(title: "Printer on fire", description: "Smoke everywhere", status: "open", priority: "high",
                     tags: ["hardware"], customFields: ["environment": .string("production")], requesterID: customer.id,
                     formKey: "incident"),
            in: workspace.id, at: now)
        return Fixture(directory: directory, store: store, workspace: workspace, company: company, customer: customer, issue: issue)
    }

    private func cleanUp(_ fixture: Fixture) {
        try? fixture.store.close()
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    private static let full = PortalIssueDetail(tags: true, customFieldKeys: ["environment"], requesterName: false, companyName: false)

    @Test("the HTML list's lean rows come from a covering index, for a requester and for a company")
    func leanRowsFromTheIndexAlone() throws {
        let fixture = try fixture()
        defer { cleanUp(fixture) }
        let byRequester = try fixture.plan(PortalIssueQuery(scope: .requester(fixture.customer.id), limit: 25, detail: .summary))
        let byCompany = try fixture.plan(PortalIssueQuery(scope: .company(fixture.company.id), limit: 25, detail: .summary))
        #expect(byRequester.contains { $0.contains("USING COVERING INDEX issue_requester_recent") }, "\(byRequester)")
        #expect(byCompany.contains { $0.contains("USING COVERING INDEX issue_company_recent") }, "\(byCompany)")
    }

    @Test("full rows still use the list index, in its order: no scan, no sort")
    func fullRowsUseTheIndex() throws {
        let fixture = try fixture()
        defer { cleanUp(fixture) }
        for (scope, index) in [(IssueScope.requester(fixture.customer.id), "issue_requester_recent"),
                               (.company(fixture.company.id), "issue_company_recent")] {
            let plan = try fixture.plan(PortalIssueQuery(scope: scope, limit: 25, detail: Self.full))
            #expect(plan.contains { $0.contains("USING INDEX \(index) ") }, "\(plan)")
            #expect(!plan.contains { $0.contains("SCAN") || $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }

    @Test("a lean row read from the index holds the same values as a full row, less what it leaves unread")
    func leanRowValues() throws {
        let fixture = try fixture()
        defer { cleanUp(fixture) }
        let scope = IssueScope.requester(fixture.customer.id)
        let lean = try #require(try fixture.store.portalIssues(PortalIssueQuery(scope: scope, limit: 25, detail: .summary),
                                                              in: fixture.workspace.id).items.first?.issue)
        let full = try #require(try fixture.store.portalIssues(PortalIssueQuery(scope: scope, limit: 25, detail: Self.full),
                                                              in: fixture.workspace.id).items.first?.issue)
        #expect(full.description == "Smoke everywhere" && full.tags == ["hardware"]
                && full.customFields["environment"] == .string("production"))
        #expect(lean.id == full.id && lean.number == full.number && lean.title == "Printer on fire" && lean.status == "open")
        #expect(lean.priority == "high" && lean.formKey == "incident" && lean.companyID == fixture.company.id)
        #expect(lean.requesterID == fixture.customer.id && lean.createdAt == full.createdAt && lean.updatedAt == full.updatedAt)
        #expect(lean.description == "" && lean.tags.isEmpty && lean.customFields["environment"] == nil)
    }
}
