import HTTPTypes

/// The branded shell every portal page (and the operator preview) renders in:
/// name, logo, accent colour, header links and footer sections, plus who is
/// signed in. Portal pages build their contexts as template values, not
/// dictionaries of `Any`: every page renders this, many often. The template
/// engine escapes every value it prints.
struct PortalChrome {
    let tenant: PortalTenant
    var principal: CustomerPrincipal?
    /// Where the shell's links go: the portal's own paths, or the preview's.
    var links: PortalLinks = .portal
    /// Set when an operator previews the portal.
    var preview: TemplateValue?

    init(tenant: PortalTenant, principal: CustomerPrincipal? = nil) {
        self.tenant = tenant
        self.principal = principal
    }

    var context: TemplateObject {
        // Room for the chrome's names and a page's (the list page adds the most):
        // grown one name at a time, the array was copied three times a page.
        var context = TemplateObject(capacity: 24)
        context["brand"] = tenant.brand.context
        context["urls"] = .object(["home": .string(links.home), "newIssue": .string(links.newIssue)])
        context["readOnly"] = .bool(preview != nil)
        if let principal {
            context["customer"] = .object([
                "name": .string(principal.displayName),
                "email": .string(principal.customer.email.value),
                "canSignOut": .bool(!principal.isPreview),
            ])
            context["csrf"] = .string(principal.csrfToken ?? "")
            context["hasAccess"] = .bool(principal.access != .none)
        }
        if let preview { context["preview"] = preview }
        return context
    }
}

/// The branded parts of the shell: they depend on the settings only, so the
/// tenant cache builds them once per settings version, not once per page.
struct PortalBrand: Sendable {
    let context: TemplateValue
    /// The headers of a page in this brand: its policy allows `accentStyle`,
    /// the page's one inline style, by its hash.
    let pageHeaders: HTTPFields

    init(settings: PortalSettings) {
        let accent = AccentColor(settings.accentColor) ?? AccentColor("#4f46e5")!
        // Printed as it is: a hex colour has nothing the template escapes,
        // so the page holds exactly the text the hash was taken of.
        let accentStyle = ":root { --accent: \(accent.hex); --accent-text: \(accent.foreground.hex); }"
        assert(!accentStyle.utf8.contains { "&<>\"'".utf8.contains($0) }, "the accent rule would be escaped")
        pageHeaders = PageRenderer.headers(allowingInlineStyle: accentStyle)
        let brand: [String: Any] = [
            "accentStyle": accentStyle,
            "name": settings.name,
            "logoUrl": settings.logoURL ?? "",
            "hasLogo": settings.logoURL != nil,
            "hasHeaderLinks": !settings.headerLinks.isEmpty,
            "hasFooter": !settings.footerSections.isEmpty,
            "headerLinks": settings.headerLinks.map { ["label": $0.label, "url": $0.url] },
            "footerSections": settings.footerSections.map { section in
                ["title": section.title, "links": section.links.map { ["label": $0.label, "url": $0.url] }] as [String: Any]
            },
        ]
        context = TemplateValue(brand)
    }
}

/// The URLs the portal templates link to. In the preview they stay inside
/// `/clients/portal` and keep the chosen customer.
enum PortalLinks {
    case portal
    case preview(customer: String)

    var home: String {
        switch self {
        case .portal: return "/"
        case .preview(let customer): return "/clients/portal?customer=" + PercentEncoding.queryValue(customer)
        }
    }

    var newIssue: String {
        switch self {
        case .portal: return "/new"
        case .preview: return home + "&view=new"
        }
    }

    func issue(_ ref: String) -> String {
        switch self {
        case .portal: return "/issues/" + ref
        case .preview: return home + "&issue=" + PercentEncoding.queryValue(ref)
        }
    }

    /// `issue(ref)` as a template value: on the portal, written into the page
    /// as it is rendered, with no String made for it.
    func issueLink(_ ref: String) -> TemplateValue {
        switch self {
        case .portal: .joined(.issues, ref)
        case .preview: .string(issue(ref))
        }
    }

    func form(_ key: String) -> String {
        switch self {
        case .portal: return "/new/" + key
        case .preview: return home + "&view=form&form=" + PercentEncoding.queryValue(key)
        }
    }

    func list(status: String?, search: String?, cursor: String?) -> String {
        var query = ""
        func add(_ name: String, _ value: String?) {
            guard let value else { return }
            query += (query.isEmpty ? "" : "&") + name + "=" + PercentEncoding.queryValue(value)
        }
        add("status", status)
        add("q", search)
        add("cursor", cursor)
        switch self {
        case .portal: return query.isEmpty ? "/" : "/?" + query
        case .preview: return query.isEmpty ? home : home + "&" + query
        }
    }
}

/// Template contexts for issues, built from the projection's views only.
enum PortalViewModels {
    /// A list page's rows, one table: a page has many of them.
    static func listRows(_ result: PortalIssues.ListResult, links: PortalLinks) -> TemplateValue {
        var rows = TemplateTable(columns: listColumns, rowCapacity: result.count)
        result.forEachIssue { view in
            rows.appendRow(.string(view.ref), links.issueLink(view.ref), .string(view.title ?? view.ref),
                           .string(view.statusLabel ?? ""), view.updatedAt.map(TemplateValue.timestamp) ?? .string(""))
        }
        return .table(rows)
    }

    static let listColumns: [TemplateName] = ["ref", "url", "title", "status", "updated"]

    static func detail(_ view: PortalIssueView) -> TemplateValue {
        var context: TemplateObject = [
            "ref": .string(view.ref),
            "title": .string(view.title ?? view.ref),
            "description": .string(view.description ?? ""),
            "hasDescription": .bool(!(view.description ?? "").isEmpty),
            "status": .string(view.statusLabel ?? ""),
            "hasStatus": .bool(view.statusLabel != nil),
        ]
        var facts = TemplateTable(columns: factColumns, rowCapacity: 8 + view.customFields.count)
        func fact(_ label: String, _ value: TemplateValue) { facts.appendRow(.string(label), value) }
        if let priority = view.priority { fact("Priority", .string(priority)) }
        if let requester = view.requesterName { fact("Requester", .string(requester)) }
        if let company = view.companyName { fact("Company", .string(company)) }
        if let tags = view.tags, !tags.isEmpty { fact("Tags", .string(tags.joined(separator: ", "))) }
        for field in view.customFields { fact(field.label, .string(display(field.value))) }
        if let created = view.createdAt { fact("Opened", .timestamp(created)) }
        if let updated = view.updatedAt { fact("Last update", .timestamp(updated)) }
        context["facts"] = .table(facts)
        context["hasFacts"] = .bool(facts.rowCount > 0)
        if let tasks = view.tasks {
            var rows = TemplateTable(columns: taskColumns, rowCapacity: tasks.count)
            for task in tasks { rows.appendRow(.string(task.title), .string(task.statusLabel)) }
            context["tasks"] = .table(rows)
            context["hasTasks"] = .bool(!tasks.isEmpty)
        }
        let messages = view.messages ?? []
        var rows = TemplateTable(columns: messageColumns, rowCapacity: messages.count)
        for message in messages {
            rows.appendRow(.bool(message.role == .customer), .string(message.authorName), .string(message.body),
                           .timestamp(message.createdAt), .isoTimestamp(message.createdAt))
        }
        context["messages"] = .table(rows)
        context["hasMessages"] = .bool(!messages.isEmpty)
        return .object(context)
    }

    static let messageColumns: [TemplateName] = ["fromCustomer", "author", "body", "time", "timestamp"]
    static let factColumns: [TemplateName] = ["label", "value"]
    static let taskColumns: [TemplateName] = ["title", "status"]
    static let optionColumns: [TemplateName] = ["value", "selected"]
    static let statusFilterColumns: [TemplateName] = ["label", "selected"]

    /// A value as text: lists joined, booleans as Yes/No.
    static func display(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let bool): return bool ? "Yes" : "No"
        case .int(let int): return String(int)
        case .double(let double): return String(double)
        case .string(let string): return string
        case .array(let values): return values.map(display).joined(separator: ", ")
        case .object: return ""
        }
    }

    /// One input of a form: its kind, current value and error.
    static func input(key: String, label: String, type: FieldType, required: Bool, options: [String], value: JSONValue,
                      error: String?) -> TemplateValue {
        let id = inputID(key)
        let selected: [String]
        switch value {
        case .array(let values): selected = values.map(display)
        case .null: selected = []
        default: selected = [display(value)]
        }
        // Fields appended to one array sized once (an issue page makes a few
        // inputs): a literal extended by subscripts grew its array and
        // searched it for every name it added.
        var fields: [(TemplateName, TemplateValue)] = []
        fields.reserveCapacity(14)  // the most an input has: a decimal field with an error
        fields.append(("name", .string(key)))
        fields.append(("id", .string(id)))
        fields.append(("label", .string(label)))
        fields.append(("required", .bool(required)))
        fields.append(("error", .string(error ?? "")))
        fields.append(("hasError", .bool(error != nil)))
        // Read only where `hasError` holds.
        if error != nil { fields.append(("errorId", .string(id + "-error"))) }
        fields.append(("value", .string(selected.first ?? "")))
        fields.append(("checked", .bool(value == .bool(true))))
        var optionRows = TemplateTable(columns: optionColumns, rowCapacity: options.count)
        for option in options { optionRows.appendRow(.string(option), .bool(selected.contains(option))) }
        fields.append(("options", .table(optionRows)))
        switch type {
        case .textarea: fields.append(("isTextarea", true))
        case .select: fields.append(("isSelect", true))
        case .multiSelect: fields.append(("isMultiSelect", true))
        case .boolean: fields.append(("isBoolean", true))
        default:
            fields.append(("isInput", true))
            fields.append(("inputType", .string(inputType(type))))
            if type == .decimal { fields.append(("step", "any")); fields.append(("hasStep", true)) }
            if type == .number { fields.append(("step", "1")); fields.append(("hasStep", true)) }
        }
        return .object(TemplateObject(fields))
    }

    /// `field-` and the key, its dots made dashes (`custom.plan` → `field-custom-plan`).
    static func inputID(_ key: String) -> String {
        guard key.utf8.contains(UInt8(ascii: ".")) else { return "field-" + key }
        return "field-" + String(decoding: key.utf8.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)
    }

    static func inputType(_ type: FieldType) -> String {
        switch type {
        case .number, .decimal: return "number"
        case .date: return "date"
        case .url: return "url"
        case .email: return "email"
        default: return "text"
        }
    }

    /// Browser form values as typed JSON: numbers parsed, checkboxes as booleans,
    /// multi-selects as lists; unparseable text is kept so validation names it.
    static func value(from form: FormData, key: String, type: FieldType) -> JSONValue {
        switch type {
        case .boolean:
            return .bool(form[key].map { $0 == "on" || $0 == "true" || $0 == "1" } ?? false)
        case .multiSelect:
            return .array(form.all(key).filter { !$0.isEmpty }.map(JSONValue.string))
        case .number:
            guard let text = form[key], !text.isEmpty else { return .null }
            return Int64(text).map(JSONValue.int) ?? .string(text)
        case .decimal:
            guard let text = form[key], !text.isEmpty else { return .null }
            return Double(text).map(JSONValue.double) ?? .string(text)
        default:
            guard let text = form[key], !text.isEmpty else { return .null }
            return .string(text)
        }
    }
}
