import ArgumentParser
import PortalKit

struct WorkspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace", abstract: "Create and list workspaces.", subcommands: [Create.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a workspace.")

        @Option(help: "The portal sub-domain: lower-case letters, digits and dashes.") var slug: String
        @Option(help: "The workspace's display name.") var name: String

        func validate() throws {
            guard WorkspaceSlug.isValid(slug) else {
                throw ValidationError("--slug must be 2-40 lower-case letters, digits or dashes")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 120 else {
                throw ValidationError("--name must be 1-120 characters")
            }
        }

        func run() throws {
            let store = try Environment.store()
            let workspace = try Environment.failingOnConflict("a workspace with slug \"\(slug)\" already exists") {
                () throws(StoreError) in
                try store.createWorkspace(NewWorkspace(slug: slug, name: name), at: Environment.now)
            }
            print("Created workspace \(workspace.slug) (id \(workspace.id)).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workspaces.")

        func run() throws {
            for workspace in try Environment.store().workspaces() {
                print("\(workspace.id)\t\(workspace.slug)\t\(workspace.name)")
            }
        }
    }
}

import Foundation
