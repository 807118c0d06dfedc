/// The demo data behind `portal seed-demo` and `./deploy/run`: a workspace
/// `acme` rich enough to show every feature (companies, customers of every
/// access level, issues in every status with messages, notes and tasks), and a
/// second workspace `globex` to show that nothing crosses between them.
public enum DemoSeed {
    public struct Result: Sendable {
        public let workspace: Workspace
        /// The owner's API key, shown once.
        public let apiKey: String
        public let customers: [Customer]
        public let issues: [Issue]
    }

    public static let workspaceSlug = "acme"

    /// Branded, with customer-facing labels, visible and editable fields
    /// (and a hidden internal one), and forms of several field types.
    public static func demoSettings(for workspace: Workspace) -> PortalSettings {
        var settings = PortalSettings.defaults(for: workspace)
        settings.name = "Acme Support"
        settings.accentColor = "#0f766e"
        settings.headerLinks = [
            PortalLink(label: "Status", url: "https://status.acme.example"),
            PortalLink(label: "Documentation", url: "https://docs.acme.example"),
        ]
        settings.footerSections = [
            FooterSection(title: "Company", links: [
                PortalLink(label: "Privacy", url: "https://acme.example/privacy"),
                PortalLink(label: "Terms", url: "https://acme.example/terms"),
            ]),
            FooterSection(title: "Help", links: [PortalLink(label: "Contact us", url: "https://acme.example/contact")]),
        ]
        settings.issueFields = [
            .init(key: "title", visible: true, editable: true),
            .init(key: "description", visible: true, editable: false),
            .init(key: "status", visible: true, editable: false),
            .init(key: "priority", visible: true, editable: true),
            .init(key: "requester", visible: true, editable: false),
            .init(key: "tasks", visible: true, editable: false),
            .init(key: "createdAt", visible: true, editable: false),
            .init(key: "updatedAt", visible: true, editable: false),
            .init(key: "cf.environment", visible: true, editable: true),
            .init(key: "cf.order_number", visible: true, editable: false),
        ]
        settings.issueStatusLabels = [
            "new": "Received", "waiting_on_customer": "Waiting for you", "waiting_on_team": "We're on it", "on_hold": "On hold",
        ]
        settings.taskStatusLabels = ["todo": "Planned", "in_progress": "Being worked on"]
        settings.forms = [
            PortalForm(key: "bug", title: "Report a bug", description: "Something does not work as it should.", enabled: true, fields: [
                .init(key: "title", label: "Summary", type: .text, required: true, options: []),
                .init(key: "description", label: "What happened?", type: .textarea, required: true, options: []),
                .init(key: "cf.environment", label: "Environment", type: .select, required: true, options: ["production", "staging"]),
                .init(key: "cf.affected_users", label: "How many people are affected?", type: .number, required: false, options: []),
            ]),
            PortalForm(key: "question", title: "Ask a question", description: "Anything about your account or our product.",
                       enabled: true, fields: [
                           .init(key: "title", label: "Your question", type: .text, required: true, options: []),
                           .init(key: "description", label: "Details", type: .textarea, required: false, options: []),
                       ]),
            PortalForm(key: "billing", title: "Billing request", description: "Invoices, payments and orders.", enabled: true, fields: [
                .init(key: "title", label: "Summary", type: .text, required: true, options: []),
                .init(key: "cf.order_number", label: "Order number", type: .text, required: false, options: []),
                .init(key: "description", label: "Details", type: .textarea, required: false, options: []),
            ]),
            PortalForm(key: "legacy", title: "Old contact form", description: "Retired.", enabled: false, fields: [
                .init(key: "title", label: "Subject", type: .text, required: true, options: []),
            ]),
        ]
        return settings
    }

    /// Acme's custom fields, shared by the demo and the benchmark dataset.
    static let acmeCustomFields = [
        CustomFieldDefinition(key: "environment", label: "Environment", type: .select, options: ["production", "staging", "development"]),
        CustomFieldDefinition(key: "order_number", label: "Order number", type: .text),
        CustomFieldDefinition(key: "affected_users", label: "Affected users", type: .number),
        CustomFieldDefinition(key: "internal_score", label: "Internal score", type: .number),
    ]

    public static func seed(into store: any PortalStore, at now: Timestamp) throws -> Result {
        let acme = try store.createWorkspace(NewWorkspace(
            slug: workspaceSlug, name: "Acme Support",
            customFields: acmeCustomFields), at: now)
        let owner = try store.createOperator(
            NewOperator(email: EmailAddress("owner@acme.test")!, name: "Olivia Owner", role: .owner), in: acme.id, at: now)
        let agent = try store.createOperator(
            NewOperator(email: EmailAddress("agent@acme.test")!, name: "Sam Support", role: .member), in: acme.id, at: now)
        _ = try store.createOperator(
            NewOperator(email: EmailAddress("viewer@acme.test")!, name: "Vic Viewer", role: .viewer), in: acme.id, at: now)
        let key = APIKeyToken.generate()
        _ = try store.createAPIKey(
            NewAPIKey(name: "Demo key (owner)", operatorID: owner.id, explicitPermissions: nil, tokenHash: key.hash,
                      displayPrefix: key.displayPrefix), in: acme.id, at: now)

        let initech = try store.createCompany(
            NewCompany(name: "Initech", externalID: "crm-initech", emailDomains: ["initech.test"]), in: acme.id, at: now)
        let umbrella = try store.createCompany(
            NewCompany(name: "Umbrella Corp", externalID: "crm-umbrella", emailDomains: ["umbrella.test"]), in: acme.id, at: now)

        func customer(_ email: String, _ name: String, _ company: Company, _ access: AccessLevel?) throws -> Customer {
            try store.createCustomer(NewCustomer(email: EmailAddress(email)!, name: name, companyID: company.id,
                                                 externalID: nil, portalAccess: access), in: acme.id, at: now)
        }
        let alice = try customer("alice@initech.test", "Alice Admin", initech, .admin)
        let bob = try customer("bob@initech.test", "Bob Member", initech, .member)
        let carol = try customer("carol@initech.test", "Carol NoAccess", initech, AccessLevel.none)
        let dave = try customer("dave@initech.test", "Dave Default", initech, nil)
        let erin = try customer("erin@umbrella.test", "Erin Admin", umbrella, .admin)
        let frank = try customer("frank@umbrella.test", "Frank Member", umbrella, .member)

        struct Story {
            let title: String
            let description: String
            let status: String
            let priority: String?
            let requester: Customer
            let thread: [(MessageRole, String)]
            let tasks: [(String, String)]
            let fields: [String: JSONValue]
        }
        let stories: [Story] = [
            Story(title: "Cannot export invoices to CSV", description: "The export button spins forever since Monday.",
                  status: "new", priority: "high", requester: bob,
                  thread: [(.customer, "Hi, exporting invoices to CSV never finishes. Can you help?")],
                  tasks: [("Reproduce on staging", "todo")], fields: ["environment": "production", "affected_users": 12]),
            Story(title: "SSO login loops back to the sign-in page", description: "Users are redirected in a loop after Okta.",
                  status: "open", priority: "urgent", requester: alice,
                  thread: [(.customer, "Half our team cannot sign in through SSO."),
                           (.support, "Thanks Alice, we are looking at the SAML assertion now."),
                           (.customer, "Any news? It is blocking the whole finance team.")],
                  tasks: [("Collect SAML trace", "done"), ("Patch the assertion consumer", "in_progress")],
                  fields: ["environment": "production", "internal_score": 93]),
            Story(title: "Which plan includes audit logs?", description: "We need audit logs for our SOC 2 review.",
                  status: "waiting_on_customer", priority: "normal", requester: bob,
                  thread: [(.customer, "Which plan includes audit logs?"),
                           (.support, "The Business plan does. Could you confirm how many seats you need?")],
                  tasks: [], fields: [:]),
            Story(title: "Webhook deliveries are delayed", description: "Webhooks arrive 10 to 20 minutes late.",
                  status: "waiting_on_team", priority: "high", requester: dave,
                  thread: [(.customer, "Our webhooks arrive 10-20 minutes late."),
                           (.support, "Could you send us a delivery id?"),
                           (.customer, "Sure: dlv_4711 and dlv_4712.")],
                  tasks: [("Check queue depth", "in_progress")], fields: ["environment": "staging"]),
            Story(title: "Request: dark mode for the dashboard", description: "Our night shift would love a dark theme.",
                  status: "on_hold", priority: "low", requester: alice,
                  thread: [(.customer, "Any plans for a dark mode?"),
                           (.support, "It is on our roadmap; we will update this issue when it ships.")],
                  tasks: [], fields: [:]),
            Story(title: "Password reset email not received", description: "Reset emails never arrive for bob@initech.test.",
                  status: "resolved", priority: "normal", requester: bob,
                  thread: [(.customer, "I never get the password reset email."),
                           (.support, "Your mail server rejected our sender; we fixed the SPF record. Please try again."),
                           (.customer, "It works now, thank you!")],
                  tasks: [("Fix SPF record", "done")], fields: ["order_number": "PO-2291"]),
            Story(title: "Invoice shows the wrong VAT number", description: "Invoice INV-1009 lists an old VAT number.",
                  status: "closed", priority: "normal", requester: dave,
                  thread: [(.customer, "INV-1009 shows our old VAT number."),
                           (.support, "We re-issued the invoice with the new number.")],
                  tasks: [], fields: ["order_number": "PO-1988"]),
            Story(title: "API rate limit too low for nightly sync", description: "We hit 429s during our nightly import.",
                  status: "open", priority: "high", requester: erin,
                  thread: [(.customer, "Our nightly sync hits your rate limit."),
                           (.support, "We can raise it for your account; what volume do you expect?")],
                  tasks: [("Review account limits", "todo")], fields: ["affected_users": 1]),
            Story(title: "Add a second billing contact", description: "Please add finance@umbrella.test as billing contact.",
                  status: "waiting_on_customer", priority: nil, requester: frank,
                  thread: [(.customer, "Please add our finance team as billing contact."),
                           (.support, "Happy to. Which email address should we use?")],
                  tasks: [], fields: [:]),
        ]
        var issues: [Issue] = []
        var clock = now.adding(seconds: -3600 * 24 * Int64(stories.count))
        for story in stories {
            clock = clock.adding(seconds: 3600 * 20)
            let issue = try store.createIssue(
                NewIssue(title: story.title, description: story.description, status: story.status, priority: story.priority,
                         tags: ["demo"], customFields: story.fields, requesterID: story.requester.id), in: acme.id, at: clock)
            for (offset, (role, body)) in story.thread.enumerated() {
                let author = role == .customer ? (story.requester.name ?? story.requester.email.value) : agent.name
                _ = try store.createMessage(
                    NewMessage(role: role, body: body, authorName: author,
                               authorCustomerID: role == .customer ? story.requester.id : nil,
                               authorOperatorID: role == .support ? agent.id : nil),
                    issue: issue.id, in: acme.id, at: clock.adding(seconds: Int64(offset) * 600))
            }
            _ = try store.createNote(
                NewNote(body: "Internal: account is on the \(story.requester.companyID == initech.id ? "Gold" : "Silver") tier.",
                        authorName: agent.name, authorOperatorID: agent.id),
                issue: issue.id, in: acme.id, at: clock)
            for (title, status) in story.tasks {
                _ = try store.createTask(NewTask(title: title, status: status), issue: issue.id, in: acme.id, at: clock)
            }
            issues.append(try store.issue(id: issue.id, in: acme.id) ?? issue)
        }

        _ = try store.savePortalSettings(PortalSettingsSave(
            document: PortalSettingsDocument.stored(demoSettings(for: acme)), expectedVersion: 0, customDomain: nil,
            newDomainToken: "", audit: NewAuditEvent(actor: .system, action: "portal_settings.updated", target: "portal_settings",
                                                     details: ["seeded": true])), in: acme.id, at: now)

        // A second workspace, so the demo can show that nothing crosses tenants.
        let globex = try store.createWorkspace(NewWorkspace(slug: "globex", name: "Globex Helpdesk"), at: now)
        _ = try store.createOperator(
            NewOperator(email: EmailAddress("owner@globex.test")!, name: "Hank Scorpio", role: .owner), in: globex.id, at: now)
        let globexCompany = try store.createCompany(NewCompany(name: "Cypress Creek"), in: globex.id, at: now)
        let grace = try store.createCustomer(
            NewCustomer(email: EmailAddress("grace@cypress.test")!, name: "Grace Globex", companyID: globexCompany.id,
                        portalAccess: .admin), in: globex.id, at: now)
        let globexIssue = try store.createIssue(
            NewIssue(title: "Globex-only issue", description: "Never visible to Acme's customers.", status: "open",
                     requesterID: grace.id), in: globex.id, at: now)
        _ = try store.createMessage(NewMessage(role: .customer, body: "Hello from Globex.", authorName: "Grace Globex",
                                               authorCustomerID: grace.id), issue: globexIssue.id, in: globex.id, at: now)

        return Result(workspace: acme, apiKey: key.token, customers: [alice, bob, carol, dave, erin, frank], issues: issues)
    }
}
