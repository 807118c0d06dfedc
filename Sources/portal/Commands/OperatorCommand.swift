import ArgumentParser
import PortalKit

struct OperatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator", abstract: "Manage a workspace's operators.", subcommands: [Create.self, LoginLink.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an operator to a workspace.")

        @Option(help: "The workspace slug.") var workspace: String
        @Option(help: "The operator's email address.") var email: String
        @Option(help: "The operator's name.") var name: String
        @Option(help: "owner, admin, member or viewer.") var role: String = "member"
        @Option(help: "Explicit permissions instead of the role's, comma-separated (e.g. customers.read).")
        var permissions: String?

        func run() throws {
            guard let address = EmailAddress(email) else { throw ValidationError("--email is not an email address") }
            guard let role = OperatorRole(rawValue: role) else {
                throw ValidationError("--role must be one of \(OperatorRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let explicit = try permissions.map { try parsePermissions($0) }
            let store = try Environment.store()
            let workspace = try Environment.workspace(self.workspace, in: store)
            let created = try Environment.failingOnConflict("\(address) is already an operator of \(workspace.slug)") {
                () throws(StoreError) in
                try store.createOperator(NewOperator(email: address, name: name, role: role, explicitPermissions: explicit),
                                         in: workspace.id, at: Environment.now)
            }
            print("Created operator \(created.email) (\(created.role.rawValue), id \(created.id)) in \(workspace.slug).")
        }
    }
}

func parsePermissions(_ text: String) throws -> PermissionSet {
    switch Permission.parseList(text) {
    case .success(let set): return set
    case .failure(let error): throw ValidationError(error.description)
    }
}
