/// The support API's JSON shapes, one writer per entity.
enum SupportRepresentations {
    static func company(_ json: inout JSONWriter, _ company: Company) {
        json.object { json in
            json.field("object", "company")
            json.field("id", company.id)
            json.field("name", company.name)
            json.field("externalId", company.externalID)
            json.field("emailDomains", company.emailDomains)
            json.field("createdAt", company.createdAt)
            json.field("updatedAt", company.updatedAt)
        }
    }

    static func customer(_ json: inout JSONWriter, _ customer: Customer) {
        json.object { json in
            json.field("object", "customer")
            json.field("id", customer.id)
            json.field("email", customer.email.value)
            json.field("name", customer.name)
            json.field("companyId", customer.companyID)
            json.field("externalId", customer.externalID)
            json.field("portalAccess", customer.portalAccess?.rawValue)
            json.field("createdAt", customer.createdAt)
            json.field("updatedAt", customer.updatedAt)
        }
    }

    static func issue(_ json: inout JSONWriter, _ issue: Issue) {
        json.object { json in
            json.field("object", "issue")
            json.field("id", issue.id)
            json.field("ref", issue.ref.description)
            json.field("title", issue.title)
            json.field("description", issue.description)
            json.field("status", issue.status)
            json.field("priority", issue.priority)
            json.field("tags", issue.tags)
            json.field("customFields", JSONValue.object(issue.customFields.dictionary))
            json.field("customerId", issue.requesterID)
            json.field("companyId", issue.companyID)
            json.field("formKey", issue.formKey)
            json.field("createdAt", issue.createdAt)
            json.field("updatedAt", issue.updatedAt)
        }
    }

    static func message(_ json: inout JSONWriter, _ message: Message) {
        json.object { json in
            json.field("object", "message")
            json.field("id", message.id)
            json.field("issueId", message.issueID)
            json.field("role", message.role.rawValue)
            json.field("body", message.body)
            json.field("authorName", message.authorName)
            json.field("createdAt", message.createdAt)
        }
    }

    static func note(_ json: inout JSONWriter, _ note: Note) {
        json.object { json in
            json.field("object", "note")
            json.field("id", note.id)
            json.field("issueId", note.issueID)
            json.field("body", note.body)
            json.field("authorName", note.authorName)
            json.field("createdAt", note.createdAt)
        }
    }

    static func task(_ json: inout JSONWriter, _ task: IssueTask) {
        json.object { json in
            json.field("object", "task")
            json.field("id", task.id)
            json.field("issueId", task.issueID)
            json.field("title", task.title)
            json.field("status", task.status)
            json.field("position", task.position)
            json.field("createdAt", task.createdAt)
            json.field("updatedAt", task.updatedAt)
        }
    }

    static func one<Item>(_ item: Item, _ write: (inout JSONWriter, Item) -> Void) -> Response {
        .json(.ok) { json in write(&json, item) }
    }

    static func created<Item>(_ item: Item, _ write: (inout JSONWriter, Item) -> Void) -> Response {
        .json(.created) { json in write(&json, item) }
    }
}
