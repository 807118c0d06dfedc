import ArgumentParser
import PortalKit

struct APIKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key", abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key; the key is printed once, alone on the last line.")

        @Option(help: "The workspace slug.") var workspace: String
        @Option(help: "A name to recognise the key by.") var name: String
        @Option(help: "The operator the key acts for; it never carries more than they have.") var `operator`: String?
        @Option(help: "Limit the key to these permissions, comma-separated (e.g. customers.read,issues.read).")
        var permissions: String?

        func run() throws {
            let explicit = try permissions.map { try parsePermissions($0) }
            let store = try Environment.store()
            let workspace = try Environment.workspace(self.workspace, in: store)
            var creator: Operator?
            if let email = self.operator {
                guard let address = EmailAddress(email), let found = try store.operator(email: address, in: workspace.id) else {
                    throw ValidationError("no operator \(email) in \(workspace.slug)")
                }
                creator = found
            }
            let key = APIKeyToken.generate()
            let created = try store.createAPIKey(
                NewAPIKey(name: name, operatorID: creator?.id, explicitPermissions: explicit, tokenHash: key.hash,
                          displayPrefix: key.displayPrefix), in: workspace.id, at: Environment.now)
            let carried = (explicit ?? creator?.permissions ?? PermissionSet.all)
                .intersection(creator?.permissions ?? PermissionSet.all)
            print("Created API key \(created.id) \"\(created.name)\" for \(workspace.slug) with \(carried.sorted().map(\.rawValue).joined(separator: ", ")).")
            print("Store it now; it is shown only this once:")
            print(key.token)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's API keys (never the keys themselves).")

        @Option(help: "The workspace slug.") var workspace: String

        func run() throws {
            let store = try Environment.store()
            let workspace = try Environment.workspace(self.workspace, in: store)
            for key in try store.apiKeys(in: workspace.id) {
                let state = key.revokedAt.map { "revoked \($0)" } ?? "active"
                print("\(key.id)\t\(key.displayPrefix)…\t\(key.name)\t\(state)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by id.")

        @Option(help: "The workspace slug.") var workspace: String
        @Option(help: "The key id, as `portal api-key list` shows it.") var id: Int64

        func run() throws {
            let store = try Environment.store()
            let workspace = try Environment.workspace(self.workspace, in: store)
            guard try store.revokeAPIKey(id: APIKeyID(id), in: workspace.id, at: Environment.now) else {
                throw ValidationError("no active API key \(id) in \(workspace.slug)")
            }
            print("Revoked API key \(id).")
        }
    }
}
