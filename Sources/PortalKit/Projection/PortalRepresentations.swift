/// The portal's JSON shapes, written from the projection's views only.
public enum PortalRepresentations {
    /// A page of issues, as a JSON array. The rows of a page share their
    /// portal's settings, so their `editableFields` array is encoded once per
    /// page, not once per row (~950 instructions a row).
    public static func issues(_ json: inout JSONWriter, _ forEachIssue: ((PortalIssueView) -> Void) -> Void) {
        var editable: (keys: [String], json: [UInt8])?
        json.array { json in
            forEachIssue { view in
                if editable?.keys != view.editableKeys {
                    var encoded = JSONWriter(capacity: 64)
                    encoded.value(.array(view.editableKeys.map(JSONValue.string)))
                    editable = (view.editableKeys, encoded.bytes)
                }
                issue(&json, view, editableFieldsJSON: editable?.json)
            }
        }
    }

    /// One issue. `editableFieldsJSON`: its `editableFields` array, already
    /// encoded (see `issues`).
    public static func issue(_ json: inout JSONWriter, _ view: PortalIssueView, editableFieldsJSON: [UInt8]? = nil) {
        json.object { json in
            json.field("object", "portal_issue")
            json.field("ref", view.ref)
            if let title = view.title { json.field("title", title) }
            if let description = view.description { json.field("description", description) }
            if let label = view.statusLabel {
                json.key("status")
                json.object { $0.field("label", label) }
            }
            if let priority = view.priority { json.field("priority", priority) }
            if let tags = view.tags { json.field("tags", tags) }
            if let requester = view.requesterName {
                json.key("requester")
                json.object { $0.field("name", requester) }
            }
            if let company = view.companyName {
                json.key("company")
                json.object { $0.field("name", company) }
            }
            if !view.customFields.isEmpty {
                json.key("customFields")
                json.array { json in
                    for field in view.customFields {
                        json.object { json in
                            json.field("key", field.key)
                            json.field("label", field.label)
                            json.field("value", field.value)
                        }
                    }
                }
            }
            if let createdAt = view.createdAt { json.field("createdAt", createdAt) }
            if let updatedAt = view.updatedAt { json.field("updatedAt", updatedAt) }
            if let editableFieldsJSON {
                json.key("editableFields")
                json.raw(editableFieldsJSON)
            } else {
                json.field("editableFields", view.editableKeys)
            }
            if let messages = view.messages {
                json.key("messages")
                json.array { json in
                    for message in messages {
                        json.object { json in
                            json.field("object", "portal_message")
                            json.field("role", message.role.rawValue)
                            json.field("body", message.body)
                            json.field("authorName", message.authorName)
                            json.field("createdAt", message.createdAt)
                        }
                    }
                }
            }
            if let tasks = view.tasks {
                json.key("tasks")
                json.array { json in
                    for task in tasks {
                        json.object { json in
                            json.field("object", "portal_task")
                            json.field("title", task.title)
                            json.key("status")
                            json.object { $0.field("label", task.statusLabel) }
                        }
                    }
                }
            }
        }
    }

    public static func message(_ json: inout JSONWriter, _ message: Message) {
        json.object { json in
            json.field("object", "portal_message")
            json.field("role", message.role.rawValue)
            json.field("body", message.body)
            json.field("authorName", message.authorName)
            json.field("createdAt", message.createdAt)
        }
    }

    public static func me(_ json: inout JSONWriter, _ principal: CustomerPrincipal, companyName: String?) {
        json.object { json in
            json.field("object", "portal_customer")
            json.field("email", principal.customer.email.value)
            json.field("name", principal.customer.name)
            json.key("company")
            if let companyName { json.object { $0.field("name", companyName) } } else { json.null() }
            json.field("accessLevel", principal.access.rawValue)
        }
    }

    /// Public branding for the login page: nothing about anyone.
    public static func config(_ json: inout JSONWriter, _ settings: PortalSettings) {
        json.object { json in
            json.field("object", "portal_config")
            json.field("name", settings.name)
            json.field("logoUrl", settings.logoURL)
            json.field("accentColor", settings.accentColor)
            settings.writeHeaderLinks(into: &json)
            settings.writeFooterSections(into: &json)
            json.key("auth")
            json.object { $0.field("mode", settings.auth.mode.rawValue) }
        }
    }
}
