/// The branded shell every portal page (and the operator preview) renders in:
/// name, logo, accent colour, header links and footer sections, plus who is
/// signed in. Template contexts are plain dictionaries; Mustache escapes every
/// value it prints.
struct PortalChrome {
    let tenant: PortalTenant
    var principal: CustomerPrincipal?
    /// Where the shell's links go: the portal's own paths, or the preview's.
    var links: PortalLinks = .portal
    /// Set when an operator previews the portal.
    var preview: [String: Any]?

    init(tenant: PortalTenant, principal: CustomerPrincipal? = nil) {
        self.tenant = tenant
        self.principal = principal
    }

    var context: [String: Any] {
        var context: [String: Any] = [
            "brand": tenant.brand.context,
            "urls": ["home": links.home, "newIssue": links.newIssue],
            "readOnly": preview != nil,
        ]
        if let principal {
            context["customer"] = [
                "name": principal.displayName,
                "email": principal.customer.email.value,
                "canSignOut": !principal.isPreview,
            ] as [String: Any]
            context["csrf"] = principal.csrfToken ?? ""
            context["hasAccess"] = principal.access != .none
        }
        if let preview { context["preview"] = preview }
        return context
    }
}

/// The branded parts of the shell: they depend on the settings only, so the
/// tenant cache builds them once per settings version, not once per page.
struct PortalBrand: Sendable {
    let context: TemplateValue

    init(settings: PortalSettings) {
        let accent = AccentColor(settings.accentColor) ?? AccentColor("#4f46e5")!
        let brand: [String: Any] = [
            "name": settings.name,
            "logoUrl": settings.logoURL ?? "",
            "hasLogo": settings.logoURL != nil,
            "hasHeaderLinks": !settings.headerLinks.isEmpty,
            "hasFooter": !settings.footerSections.isEmpty,
            "accent": accent.hex,
            "accentText": accent.foreground.hex,
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

    func form(_ key: String) -> String {
        switch self {
        case .portal: return "/new/" + key
        case .preview: return home + "&view=form&form=" + PercentEncoding.queryValue(key)
        }
    }

    func list(status: String?, search: String?, cursor: String?) -> String {
        var parameters: [(String, String)] = []
        if let status { parameters.append(("status", status)) }
        if let search { parameters.append(("q", search)) }
        if let cursor { parameters.append(("cursor", cursor)) }
        let query = parameters.map { "\($0.0)=\(PercentEncoding.queryValue($0.1))" }.joined(separator: "&")
        switch self {
        case .portal: return query.isEmpty ? "/" : "/?" + query
        case .preview: return query.isEmpty ? home : home + "&" + query
        }
    }
}

/// Template contexts for issues, built from the projection's views only.
enum PortalViewModels {
    /// Built as a template value directly: a list page has many rows.
    static func listRow(_ view: PortalIssueView, links: PortalLinks) -> TemplateValue {
        .object(TemplateObject([
            ("ref", .string(view.ref)),
            ("url", .string(links.issue(view.ref))),
            ("title", .string(view.title ?? view.ref)),
            ("status", .string(view.statusLabel ?? "")),
            ("updated", .string(view.updatedAt?.display ?? "")),
        ]))
    }

    static func detail(_ view: PortalIssueView) -> [String: Any] {
        var context: [String: Any] = [
            "ref": view.ref,
            "title": view.title ?? view.ref,
            "description": view.description ?? "",
            "hasDescription": !(view.description ?? "").isEmpty,
            "status": view.statusLabel ?? "",
            "hasStatus": view.statusLabel != nil,
        ]
        var facts: [[String: Any]] = []
        if let priority = view.priority { facts.append(["label": "Priority", "value": priority]) }
        if let requester = view.requesterName { facts.append(["label": "Requester", "value": requester]) }
        if let company = view.companyName { facts.append(["label": "Company", "value": company]) }
        if let tags = view.tags, !tags.isEmpty { facts.append(["label": "Tags", "value": tags.joined(separator: ", ")]) }
        for field in view.customFields { facts.append(["label": field.label, "value": display(field.value)]) }
        if let created = view.createdAt { facts.append(["label": "Opened", "value": created.display]) }
        if let updated = view.updatedAt { facts.append(["label": "Last update", "value": updated.display]) }
        context["facts"] = facts
        context["hasFacts"] = !facts.isEmpty
        if let tasks = view.tasks {
            context["tasks"] = tasks.map { ["title": $0.title, "status": $0.statusLabel] }
            context["hasTasks"] = !tasks.isEmpty
        }
        context["messages"] = (view.messages ?? []).map { message in
            [
                "fromCustomer": message.role == .customer,
                "author": message.authorName,
                "body": message.body,
                "time": message.createdAt.display,
                "timestamp": message.createdAt.iso8601,
            ] as [String: Any]
        }
        context["hasMessages"] = !(view.messages ?? []).isEmpty
        return context
    }

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
                      error: String?) -> [String: Any] {
        let id = "field-" + key.replacingOccurrences(of: ".", with: "-")
        var context: [String: Any] = [
            "name": key, "id": id, "label": label, "required": required, "error": error ?? "", "hasError": error != nil,
            "errorId": id + "-error",
        ]
        switch type {
        case .textarea: context["isTextarea"] = true
        case .select: context["isSelect"] = true
        case .multiSelect: context["isMultiSelect"] = true
        case .boolean: context["isBoolean"] = true
        default:
            context["isInput"] = true
            context["inputType"] = inputType(type)
            if type == .decimal { context["step"] = "any"; context["hasStep"] = true }
            if type == .number { context["step"] = "1"; context["hasStep"] = true }
        }
        let selected: [String]
        switch value {
        case .array(let values): selected = values.map(display)
        case .null: selected = []
        default: selected = [display(value)]
        }
        context["value"] = selected.first ?? ""
        context["checked"] = value == .bool(true)
        context["options"] = options.map { ["value": $0, "selected": selected.contains($0)] as [String: Any] }
        return context
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
