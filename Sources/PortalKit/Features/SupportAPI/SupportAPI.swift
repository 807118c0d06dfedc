/// The support side's REST API (`/api/v1/…`, bearer keys only), so that
/// companies, customers, issues and their threads exist without the rest of Woes.
///
/// Companies and customers need `customers.read`/`customers.write`; issues and
/// their messages, notes and tasks need `issues.read`/`issues.write`.
struct SupportAPI: Sendable {
    let store: any PortalStore

    var routes: [Route] {
        companyRoutes + customerRoutes + issueRoutes + messageRoutes + noteRoutes + taskRoutes
    }

    /// `{id}` of an issue: its number or its reference (`ISS-1042`).
    func issue(_ identifier: String, in workspace: Workspace) throws -> Issue {
        let found: Issue?
        if let id = Int64(identifier), id > 0 {
            found = try store.issue(id: IssueID(id), in: workspace.id)
        } else if let ref = IssueRef(identifier) {
            found = try store.issue(ref: ref, in: workspace.id)
        } else {
            found = nil
        }
        guard let found else { throw HTTPError.notFound }
        return found
    }

    /// A numeric path id; anything else cannot exist, so 404 like a missing one.
    static func id<Entity>(_ text: String, as _: Entity.Type = Entity.self) throws(HTTPError) -> Identifier<Entity> {
        guard let value = Int64(text), value > 0 else { throw HTTPError.notFound }
        return Identifier(value)
    }
}
