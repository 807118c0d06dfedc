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

    @Test("custom field values reach lists and details with their JSON types, visible ones only, in settings order")
    func customFieldValueTypes() throws {
        let t = try TestApp()
        let now = t.clock.now()
        let workspace = try t.store.createWorkspace(NewWorkspace(slug: "typed", name: "Typed support", customFields: [
            CustomFieldDefinition(key: "plan", label: "Plan", type: .text),
            CustomFieldDefinition(key: "seats", label: "Seats", type: .number),
            CustomFieldDefinition(key: "ratio", label: "Ratio", type: .decimal),
            CustomFieldDefinition(key: "urgent", label: "Urgent", type: .boolean),
            CustomFieldDefinition(key: "areas", label: "Areas", type: .multiSelect, options: ["api", "ui"]),
            CustomFieldDefinition(key: "due", label: "Due", type: .date),
            CustomFieldDefinition(key: "score", label: "Internal score", type: .number),
            CustomFieldDefinition(key: "note", label: "Note", type: .text),
        ]), at: now)
        let owner = try t.store.createOperator(NewOperator(email: EmailAddress("owner@typed.test")!, name: "Owner", role: .owner),
                                               in: workspace.id, at: now)
        let key = try t.key(in: workspace, operator: owner, permissions: nil)
        let customer = try t.store.createCustomer(NewCustomer(email: EmailAddress("kim@typed.test")!, name: "Kim", portalAccess: .member),
                                                  in: workspace.id, at: now)
        // Non-ASCII and escaped text take the parser's slower paths.
        let issue = try t.store.createIssue(NewIssue(title: "Typed", description: "Details", status: "open", customFields: [
            "plan": "Prö \"gold\" ✓", "seats": 12, "ratio": 1.5, "urgent": true, "areas": ["api", "ui"], "due": "2027-01-31",
            "score": 424_242, "note": nil,
        ], requesterID: customer.id), in: workspace.id, at: now)
        var document = t.send(.get, "/api/account/client-portal/settings", key: key).json.objectValue ?? [:]
        document["issueFields"] = .array(["title", "cf.areas", "cf.plan", "cf.seats", "cf.ratio", "cf.urgent", "cf.due", "cf.note"].map {
            ["key": .string($0), "visible": true, "editable": false]
        })
        #expect(t.send(.put, "/api/account/client-portal/settings", key: key, json: JSONValue.object(document).serialized).status == 200)

        let expected: JSONValue = [
            ["key": "areas", "label": "Areas", "value": ["api", "ui"]],
            ["key": "plan", "label": "Plan", "value": "Prö \"gold\" ✓"],
            ["key": "seats", "label": "Seats", "value": 12],
            ["key": "ratio", "label": "Ratio", "value": 1.5],
            ["key": "urgent", "label": "Urgent", "value": true],
            ["key": "due", "label": "Due", "value": "2027-01-31"],
        ]
        let session: HTTPFields = [HTTPField.Name("X-Woes-Portal-Dev-Session")!: "kim@typed.test"]
        let list = t.send(.get, "/api/portal/issues", host: "typed.portal.localhost", headers: session)
        #expect(list.status == 200, "\(list.text.prefix(200))")
        #expect(list["issues"]?.arrayValue?.first?.objectValue?["customFields"] == expected)
        let detail = t.send(.get, "/api/portal/issues/\(issue.ref)", host: "typed.portal.localhost", headers: session)
        #expect(detail["customFields"] == expected)
        #expect(!list.text.contains("score") && !detail.text.contains("424242"), "a hidden field's value stays out")
        #expect(!list.text.contains("\"note\"") && !detail.text.contains("\"note\""), "a stored null is no value")
        // …and never leaves the store for a portal read: only the shown fields are read from the row.
        let rows = try t.store.portalIssues(PortalIssueQuery(scope: .requester(customer.id), limit: 10,
                                                             detail: PortalIssueDetail(tags: false, customFieldKeys: ["seats", "plan", "note"])),
                                            in: workspace.id)
        #expect(rows.items.map(\.issue.customFields) == [["seats": 12, "plan": "Prö \"gold\" ✓"]])
        #expect(rows.items.map(\.issue.description) == ["Details"])
        // A page's list reads the summary: the row's own columns, no description or custom fields.
        let summary = try t.store.portalIssues(PortalIssueQuery(scope: .requester(customer.id), limit: 10, detail: .summary),
                                               in: workspace.id)
        #expect(summary.items.map(\.issue.ref) == [issue.ref] && summary.items.map(\.issue.title) == ["Typed"])
        #expect(summary.items.map(\.issue.description) == [""] && summary.items.map(\.issue.customFields) == [[:]])
        #expect(summary.items.map(\.issue.updatedAt) == [issue.updatedAt] && summary.items.map(\.issue.status) == ["open"])
    }

    @Test("a page of issues is the same JSON as its issues written one by one, editable fields included")
    func pageEqualsRows() {
        func view(_ ref: String, editable: [String]) -> PortalIssueView {
            PortalIssueView(ref: ref, title: "Title \(ref)", description: nil, statusLabel: "Open", priority: nil, tags: nil,
                            requesterName: "Kim", companyName: nil, customFields: [], createdAt: nil, updatedAt: nil,
                            editableKeys: editable, editableFields: [], messages: nil, tasks: nil)
        }
        let shared = ["title", "cf.plan"]
        let views = [view("ISS-1", editable: shared), view("ISS-2", editable: shared), view("ISS-3", editable: []),
                     view("ISS-4", editable: ["description"])]
        var page = JSONWriter()
        PortalRepresentations.issues(&page) { body in views.forEach(body) }
        var rows = JSONWriter()
        rows.array { json in views.forEach { PortalRepresentations.issue(&json, $0) } }
        #expect(page.string == rows.string)
        #expect(page.string.components(separatedBy: #""editableFields":["title","cf.plan"]"#).count == 3)
        #expect(page.string.contains(#""editableFields":[]"#) && page.string.contains(#""editableFields":["description"]"#))
    }
}
