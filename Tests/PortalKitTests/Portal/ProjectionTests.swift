import HTTPTypes
import Testing
@testable import PortalKit

@Suite("The customer-safe projection lets nothing hidden out")
struct ProjectionTests {
    /// Secrets planted in every place a customer must never see.
    static let secrets = ["SECRET-NOTE", "SECRET-CUSTOM-FIELD", "SECRET-TAG", "secret-operator@acme.test", "bob@initech.test",
                          "waiting_on_customer", "internal_score", "SECRET-KEY-NAME"]

    @Test("no portal answer, JSON or HTML, contains a planted secret")
    func noSecretAnywhere() throws {
        let f = try PortalFixture()
        let now = f.t.clock.now()
        let bobIssue = try #require(try f.t.store.issue(ref: IssueRef(f.refs["bob1"]!)!, in: f.acme.id))
        let agent = try f.t.store.createOperator(
            NewOperator(email: EmailAddress("secret-operator@acme.test")!, name: "Sam Support", role: .member), in: f.acme.id, at: now)
        _ = try f.t.store.createNote(NewNote(body: "SECRET-NOTE about bob", authorName: "Sam Support", authorOperatorID: agent.id),
                                     issue: bobIssue.id, in: f.acme.id, at: now)
        _ = try f.t.store.createMessage(NewMessage(role: .support, body: "We are on it", authorName: "Sam Support",
                                                   authorOperatorID: agent.id), issue: bobIssue.id, in: f.acme.id, at: now)
        var update = IssueUpdate()
        update.tags = .set(["SECRET-TAG"])
        update.status = .set("waiting_on_customer")
        update.customFields = ["seats": 3, "environment": "staging"]
        _ = try f.t.store.updateIssue(id: bobIssue.id, update, in: f.acme.id, at: now)
        var hidden = IssueUpdate()
        hidden.customFields = ["environment": "production"]
        _ = try f.t.store.updateIssue(id: bobIssue.id, hidden, in: f.acme.id, at: now)
        // seats (a number) stays hidden; environment is made visible below.
        #expect(f.saveSettings { document in
            document["issueFields"] = [["key": "title", "visible": true, "editable": false],
                                       ["key": "status", "visible": true, "editable": false],
                                       ["key": "requester", "visible": true, "editable": false],
                                       ["key": "cf.environment", "visible": true, "editable": false]]
        }.status == 200)
        var probes: [TestApp.Reply] = []
        for customer in ["alice", "bob"] {
            for path in ["/api/portal/me", "/api/portal/config", "/api/portal/issues", "/api/portal/issues/\(bobIssue.ref)",
                         "/", "/issues/\(bobIssue.ref)", "/new", "/new/request", "/login"] {
                probes.append(f.portal(.get, path, as: customer))
            }
        }
        for probe in probes {
            #expect(probe.status == 200, "\(probe.text.prefix(200))")
            for secret in Self.secrets where secret != "bob@initech.test" || !probe.text.contains("\"email\":\"bob@initech.test\"") {
                #expect(!probe.text.contains(secret), "\(secret) leaked")
            }
        }
        // The visible parts do arrive.
        let detail = f.portal(.get, "/api/portal/issues/\(bobIssue.ref)", as: "alice")
        #expect(detail["status"] == ["label": "Waiting on customer"])
        #expect(detail["requester"] == ["name": "Bob"])
        // Names come through on lists too: the admin's company list joins the
        // requester, the member's own list names them from their account.
        #expect(f.portal(.get, "/api/portal/issues", as: "alice").text.contains(#""requester":{"name":"Bob"}"#))
        #expect(f.portal(.get, "/api/portal/issues", as: "bob").text.contains(#""requester":{"name":"Bob"}"#))
        #expect(detail["customFields"] == [["key": "environment", "label": "Environment", "value": "production"]])
        #expect(detail["messages"]?.arrayValue?.first?.objectValue?["authorName"] == "Sam Support")
        #expect(detail["tags"] == nil)
        #expect(detail["description"] == nil, "hidden fields are absent, not null")
    }

    @Test("the same row projects to exactly the visible fields")
    func projectionUnit() throws {
        let workspace = Workspace(id: WorkspaceID(1), slug: "a", name: "A", issueStatuses: WorkspaceDefaults.issueStatuses,
                                  taskStatuses: WorkspaceDefaults.taskStatuses, priorities: WorkspaceDefaults.priorities,
                                  customFields: [CustomFieldDefinition(key: "plan", label: "Plan", type: .text)],
                                  createdAt: Timestamp(millisecondsSinceEpoch: 0))
        var settings = PortalSettings.defaults(for: workspace)
        settings.issueFields = [.init(key: "title", visible: true, editable: true), .init(key: "cf.plan", visible: true, editable: true)]
        settings.taskStatusLabels = ["todo": "Planned"]
        let viewer = Customer(id: CustomerID(1), workspaceID: workspace.id, email: EmailAddress("v@x.test")!, name: nil,
                              companyID: nil, externalID: nil, portalAccess: nil, createdAt: workspace.createdAt,
                              updatedAt: workspace.createdAt)
        let issue = Issue(id: IssueID(5), workspaceID: workspace.id, number: 1005, title: "T", description: "D", status: "open",
                          priority: "high", tags: ["x"], customFields: ["plan": "pro"], requesterID: viewer.id, companyID: nil,
                          formKey: nil, createdAt: workspace.createdAt, updatedAt: workspace.createdAt)
        let view = CustomerProjection(workspace: workspace, settings: settings, viewer: viewer).issue(
            PortalIssueRow(issue: issue, requesterName: nil, companyName: "Co"),
            thread: ([], [IssueTask(id: TaskID(1), workspaceID: workspace.id, issueID: issue.id, title: "Do", status: "todo",
                                    position: 1, createdAt: issue.createdAt, updatedAt: issue.createdAt)]))
        #expect(view.title == "T")
        #expect(view.description == nil && view.statusLabel == nil && view.priority == nil && view.tags == nil)
        #expect(view.requesterName == nil && view.companyName == nil && view.createdAt == nil && view.updatedAt == nil)
        #expect(view.customFields == [CustomFieldView(key: "plan", label: "Plan", value: "pro")])
        #expect(view.editableFields.map(\.key) == ["title", "cf.plan"])
        #expect(view.tasks == nil, "tasks are hidden unless visible")
        #expect(view.messages == [])
    }
}
