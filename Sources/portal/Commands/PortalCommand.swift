import ArgumentParser
import Foundation
import PortalKit

struct PortalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "Administer the Woes Client Portal: database, workspaces, operators and API keys.",
        discussion: "Settings come from the same PORTAL_* environment variables as the worker (see README.md).",
        subcommands: [
            MigrateCommand.self, WorkspaceCommand.self, OperatorCommand.self, APIKeyCommand.self, SeedDemoCommand.self,
            DevSessionCommand.self, MailCommand.self, DomainsCommand.self, CertsCommand.self, DatasetCommand.self,
            ProfileRequestCommand.self,
        ])
}

/// What every command needs: the configuration and an open, migrated store.
enum Environment {
    static func configuration() throws -> Configuration {
        do {
            return try Configuration(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Opens the store; refuses to work on a database with pending migrations.
    static func store(migrating: Bool = false) throws -> SQLiteStore {
        let configuration = try configuration()
        let store = try SQLiteStore(path: configuration.databasePath)
        if migrating { return store }
        let pending = try store.pendingMigrations()
        guard pending.isEmpty else {
            throw ValidationError("the database \(configuration.databasePath) needs migrations: run `portal migrate` first")
        }
        return store
    }

    static func workspace(_ slug: String, in store: SQLiteStore) throws -> Workspace {
        guard let workspace = try store.workspace(slug: slug) else {
            throw ValidationError("no workspace with slug \"\(slug)\"")
        }
        return workspace
    }

    static var now: Timestamp { SystemClock().now() }

    /// Turns a uniqueness conflict into a readable command-line error.
    static func failingOnConflict<T>(_ message: String, _ body: () throws(StoreError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            if case .conflict = error { throw ValidationError(message) }
            throw error
        }
    }
}

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending database migrations.")

    func run() throws {
        let store = try Environment.store(migrating: true)
        let applied = try store.migrate()
        print(applied.isEmpty ? "Database \(store.path) is up to date." : "Applied to \(store.path): \(applied.joined(separator: ", "))")
    }
}

struct SeedDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo",
        abstract: "Create the demo workspaces `acme` and `globex`; prints acme's owner API key on the last line.")

    func run() throws {
        let store = try Environment.store()
        if try store.workspace(slug: DemoSeed.workspaceSlug) != nil {
            throw ValidationError("the demo workspace \"\(DemoSeed.workspaceSlug)\" already exists")
        }
        let result = try DemoSeed.seed(into: store, at: Environment.now)
        print("Seeded workspace \(result.workspace.slug) (\(result.customers.count) customers, \(result.issues.count) issues) and globex.")
        print("API key for owner@acme.test (shown once):")
        print(result.apiKey)
    }
}
