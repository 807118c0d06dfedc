import HTTPTypes

/// `/clients/portal/settings`: every portal setting in one HTML form that works
/// without JavaScript. A post is validated by the same document rules as the
/// API; errors come back beside their inputs with everything as typed.
struct SettingsPage: Sendable {
    let store: any PortalStore
    let tenants: TenantDirectory
    let configuration: Configuration
    let pages: PageRenderer
    let domainChecks: CustomDomainChecks

    var routes: [Route] {
        [
            .get("/clients/portal/settings", .account(.customersRead) { context, principal in
                let service = SettingsService(store: store, tenants: tenants, configuration: configuration)
                let current = try service.current(for: principal, host: context.request.host, now: context.now)
                let notice = context.request.query["saved"] != nil ? "Settings saved."
                    : context.request.query["checked"] != nil ? "The DNS records were checked just now." : nil
                return try render(SettingsForm(current.settings, version: current.version), current: current, principal: principal,
                                  notice: notice)
            }),
            // "Check DNS now": the button sits in the settings form (formaction), so it carries the CSRF token.
            .post("/clients/portal/settings/domain/verify", .account(.customersWrite) { context, principal in
                if let domain = try store.customDomain(in: principal.workspace.id) {
                    _ = try domainChecks.check(domain, now: context.now)
                }
                return .redirect(to: "/clients/portal/settings?checked=1#s-domain")
            }),
            .post("/clients/portal/settings", .account(.customersWrite) { context, principal in
                let service = SettingsService(store: store, tenants: tenants, configuration: configuration)
                let form = SettingsForm(try context.request.formBody())
                let current = try service.current(for: principal, host: context.request.host, now: context.now)
                let (document, paths) = form.document(orderedFieldKeys: Self.fieldKeys(principal.workspace))
                let reader = JSONObjectReader(document.objectValue ?? [:])
                do {
                    _ = try service.save(reader, expectedVersion: form.version, principal: principal, at: context.now,
                                         host: context.request.host)
                } catch let error as HTTPError where error.code == .validationFailed || error.code == .preconditionFailed
                    || error.code == .conflict
                {
                    var errors: [String: String] = [:]
                    for field in error.fields { errors[paths.formName(for: field.field), default: field.message] = field.message }
                    let summary = error.code == .preconditionFailed ? error.message
                        : "Nothing was saved: please correct the \(error.fields.count == 1 ? "field" : "fields") marked below."
                    return try render(form, current: current, principal: principal, status: error.status, errors: errors,
                                      summary: summary)
                }
                return .redirect(to: "/clients/portal/settings?saved=1")
            }),
        ]
    }

    /// The custom domain's state for the page: records, what DNS showed, each step's time, the certificate.
    static func domainContext(_ view: CustomDomainView?, value: String) -> [String: Any] {
        var context: [String: Any] = ["value": value, "hasDomain": view != nil]
        guard let view else { return context }
        let domain = view.domain
        context["records"] = view.records.map { ["type": $0.type, "name": $0.name, "value": $0.value] }
        context["status"] = domain.status.rawValue.replacingOccurrences(of: "_", with: " ")
        context["statusClass"] = domain.status.rawValue
        context["reason"] = domain.statusReason ?? ""
        context["hasReason"] = domain.statusReason != nil
        context["checked"] = domain.lastCheckedAt != nil
        context["checkedAt"] = domain.lastCheckedAt?.display ?? ""
        context["txt"] = switch domain.txtStatus {
        case .found?: "found, with the right value"
        case .wrongValue?: "found, but without the expected value"
        case .missing?: "not found"
        case .unknown?: "no answer from DNS"
        case nil: "not checked yet"
        }
        context["cname"] = view.cnamePointsToEdge == true ? "points to \(view.edgeHost)"
            : domain.cnameTarget.map { "points to \($0), not \(view.edgeHost)" } ?? "not found"
        let steps: [(String, Timestamp?)] = [
            ("Added", domain.createdAt), ("Verified", domain.verifiedAt), ("TXT record missing since", domain.txtMissingSince),
            ("Certificate issued", domain.certificateIssuedAt), ("Active", domain.activatedAt), ("Failed", domain.failedAt),
            ("Routing stopped", domain.routingStoppedAt), ("Certificate valid until", domain.certificateExpiresAt),
            ("Next certificate attempt", domain.nextCertificateAttemptAt),
        ]
        context["steps"] = steps.compactMap { label, time in time.map { ["label": label, "time": $0.display, "iso": $0.iso8601] } }
        context["warning"] = view.certificateWarning ?? ""
        context["hasWarning"] = view.certificateWarning != nil
        return context
    }

    /// Built-in issue fields, then the workspace's custom fields.
    static func fieldKeys(_ workspace: Workspace) -> [String] {
        IssueFieldKey.builtIn + workspace.customFields.map { IssueFieldKey.customPrefix + $0.key }
    }

    static let fieldLabels = [
        "title": "Title", "description": "Description", "status": "Status", "priority": "Priority", "tags": "Tags",
        "requester": "Requester", "company": "Company", "tasks": "Tasks", "createdAt": "Created", "updatedAt": "Updated",
    ]

    func render(_ form: SettingsForm, current: SettingsService.Current, principal: AccountPrincipal,
                status: HTTPResponse.Status = .ok, errors: [String: String] = [:], summary: String? = nil,
                notice: String? = nil) throws -> Response {
        let workspace = principal.workspace
        let readOnly = !principal.may(.customersWrite)
        func error(_ name: String) -> [String: Any] {
            ["error": errors[name] ?? "", "hasError": errors[name] != nil, "errorId": "error-" + name.filter { $0.isLetter || $0.isNumber }]
        }
        func merged(_ base: [String: Any], _ name: String) -> [String: Any] {
            base.merging(error(name)) { first, _ in first }
        }
        func linkRows(_ links: [SettingsForm.Link], prefix: String, extra: Int, limit: Int) -> [[String: Any]] {
            let rows = links + Array(repeating: SettingsForm.Link(), count: max(0, min(extra, limit - links.count)))
            return rows.enumerated().map { index, link in
                let name = "\(prefix)[\(index)]"
                return [
                    "index": index, "labelName": "\(name).label", "urlName": "\(name).url", "label": link.label, "url": link.url,
                    "labelError": errors["\(name).label"] ?? "", "urlError": errors["\(name).url"] ?? "",
                    "rowError": errors[name] ?? "",
                    "hasLabelError": errors["\(name).label"] != nil, "hasUrlError": errors["\(name).url"] != nil,
                    "hasRowError": errors[name] != nil, "number": index + 1,
                ]
            }
        }
        let sections = form.footerSections + (form.footerSections.count < PortalSettingsDocument.maximumFooterSections ? [SettingsForm.Section()] : [])
        let formRows = form.forms + (form.forms.count < PortalSettingsDocument.maximumForms ? [SettingsForm.FormRow()] : [])
        let accent = AccentColor(form.accentColor)
        var contrast: [String: Any] = [:]
        if let accent {
            let onWhite = accent.contrast(with: .white)
            let text = accent.contrast(with: accent.foreground)
            contrast = [
                "onWhite": String(format: "%.1f", onWhite), "button": String(format: "%.1f", text),
                "lowOnWhite": onWhite < 4.5, "lowButton": text < 4.5,
                "warning": onWhite < 4.5 || text < 4.5,
            ]
        }
        let customers = try store.customers(in: workspace.id, filter: CustomerFilter(), page: PageRequest(limit: 100)).items
        var context: [String: Any] = [
            "workspace": workspace.name,
            "operator": principal.displayName,
            "csrf": principal.csrfToken ?? "",
            "readOnly": readOnly,
            "canWrite": !readOnly,
            "notice": notice ?? "",
            "hasNotice": notice != nil,
            "summary": summary ?? "",
            "hasSummary": summary != nil,
            "version": form.version.map(String.init) ?? String(current.version),
            "enabled": merged(["checked": form.enabled], "enabled"),
            "name": merged(["value": form.name], "name"),
            "logoUrl": merged(["value": form.logoURL], "logoUrl"),
            "accentColor": merged(["value": form.accentColor, "swatch": accent?.hex ?? "#4f46e5"], "accentColor"),
            "contrast": contrast,
            "defaultAccess": merged(["options": AccessLevel.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == form.defaultAccess] }], "defaultAccess"),
            "headerLinks": linkRows(form.headerLinks, prefix: "headerLinks", extra: 2, limit: PortalSettingsDocument.maximumHeaderLinks),
            "headerLinksError": error("headerLinks"),
            "footerSections": sections.enumerated().map { index, section in
                let name = "footerSections[\(index)]"
                return [
                    "number": index + 1, "titleName": "\(name).title", "title": section.title,
                    "titleError": errors["\(name).title"] ?? "", "hasTitleError": errors["\(name).title"] != nil,
                    "links": linkRows(section.links, prefix: "\(name).links", extra: 2, limit: PortalSettingsDocument.maximumLinksPerSection),
                    "linksError": errors["\(name).links"] ?? "", "hasLinksError": errors["\(name).links"] != nil,
                ] as [String: Any]
            },
            "footerSectionsError": error("footerSections"),
            "issueFields": Self.fieldKeys(workspace).map { key in
                let entry = form.issueFields[key] ?? (false, false)
                let label = Self.fieldLabels[key] ?? workspace.customField(IssueFieldKey.customKey(key))?.label ?? key
                return [
                    "key": key, "label": label, "visibleName": "issueFields[\(key)].visible", "editableName": "issueFields[\(key)].editable",
                    "visible": entry.visible, "editable": entry.editable, "mayEdit": IssueFieldKey.mayBeEditable(key),
                    "error": errors["issueFields[\(key)].editable"] ?? errors["issueFields[\(key)].key"] ?? errors["issueFields[\(key)]"] ?? "",
                    "hasError": errors.keys.contains { $0.hasPrefix("issueFields[\(key)]") },
                ] as [String: Any]
            },
            "issueStatusLabels": workspace.issueStatuses.map { status in
                let name = "issueStatusLabels[\(status.key)]"
                return ["key": status.key, "team": status.name, "name": name, "value": form.issueStatusLabels[status.key] ?? "",
                        "fallback": PortalSettings.readable(status.key), "error": errors[name] ?? "", "hasError": errors[name] != nil,
                        "id": "status-\(status.key)"] as [String: Any]
            },
            "taskStatusLabels": workspace.taskStatuses.map { status in
                let name = "taskStatusLabels[\(status.key)]"
                return ["key": status.key, "team": status.name, "name": name, "value": form.taskStatusLabels[status.key] ?? "",
                        "fallback": PortalSettings.readable(status.key), "error": errors[name] ?? "", "hasError": errors[name] != nil,
                        "id": "task-\(status.key)"] as [String: Any]
            },
            "forms": formRows.enumerated().map { index, row in
                let name = "forms[\(index)]"
                let fieldRows = row.fields + Array(repeating: SettingsForm.FieldRow(),
                                                   count: max(0, min(2, PortalSettingsDocument.maximumFieldsPerForm - row.fields.count)))
                return [
                    "number": index + 1, "isNew": row.isBlank,
                    "keyName": "\(name).key", "key": row.key, "keyError": errors["\(name).key"] ?? "", "hasKeyError": errors["\(name).key"] != nil,
                    "titleName": "\(name).title", "title": row.title, "titleError": errors["\(name).title"] ?? "",
                    "hasTitleError": errors["\(name).title"] != nil,
                    "descriptionName": "\(name).description", "description": row.description,
                    "enabledName": "\(name).enabled", "enabled": row.enabled,
                    "fieldsError": errors["\(name).fields"] ?? "", "hasFieldsError": errors["\(name).fields"] != nil,
                    "fields": fieldRows.enumerated().map { fieldIndex, field in
                        let fieldName = "\(name).fields[\(fieldIndex)]"
                        let messages = ["key", "label", "type", "options", "required"].compactMap { errors["\(fieldName).\($0)"] }
                            + (errors[fieldName].map { [$0] } ?? [])
                        return [
                            "number": fieldIndex + 1,
                            "keyName": "\(fieldName).key", "key": field.key, "labelName": "\(fieldName).label", "label": field.label,
                            "typeName": "\(fieldName).type", "requiredName": "\(fieldName).required", "required": field.required,
                            "optionsName": "\(fieldName).options", "options": field.options,
                            "types": FieldType.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == field.type] },
                            "error": messages.joined(separator: " "), "hasError": !messages.isEmpty,
                            "errorId": "error-" + fieldName.filter { $0.isLetter || $0.isNumber },
                        ] as [String: Any]
                    },
                ] as [String: Any]
            },
            "formsError": error("forms"),
            "customDomain": merged(Self.domainContext(current.domain, value: form.customDomain), "customDomain.hostname"),
            "auth": [
                "otp": form.authMode == "otp", "custom": form.authMode == "custom",
                "customAuthUrl": form.customAuthURL,
                "modeError": errors["auth.mode"] ?? "", "hasModeError": errors["auth.mode"] != nil,
                "urlError": errors["auth.customAuthUrl"] ?? "", "hasUrlError": errors["auth.customAuthUrl"] != nil,
                "issuer": form.authIssuer, "publicKey": form.authPublicKey,
                "issuerError": errors["auth.issuer"] ?? "", "hasIssuerError": errors["auth.issuer"] != nil,
                "keyError": errors["auth.publicKey"] ?? "", "hasKeyError": errors["auth.publicKey"] != nil,
            ] as [String: Any],
            "previewCustomers": customers.map { customer in
                ["email": customer.email.value,
                 "label": "\(customer.name ?? customer.email.value) — \(customer.effectiveAccess(default: current.settings.defaultAccess).rawValue)"]
            },
        ]
        context["updatedAt"] = current.updatedAt?.display ?? "never"
        return pages.render(status, "settings", context)
    }
}

import Foundation
