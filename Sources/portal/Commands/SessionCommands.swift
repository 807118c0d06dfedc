import ArgumentParser
import PortalKit

extension OperatorCommand {
    struct LoginLink: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "login-link",
            abstract: "Print a one-time sign-in link for an operator (15 minutes); the URL is alone on the last line.")

        @Option(help: "The workspace slug.") var workspace: String
        @Option(help: "The operator's email address.") var email: String
        @Option(help: "The app host's base URL (default: https://PORTAL_APP_HOST).") var baseURL: String?

        func run() throws {
            let configuration = try Environment.configuration()
            let store = try Environment.store()
            let workspace = try Environment.workspace(self.workspace, in: store)
            guard let address = EmailAddress(email), let account = try store.operator(email: address, in: workspace.id) else {
                throw ValidationError("no operator \(email) in \(workspace.slug)")
            }
            let token = try OperatorSignInLinks.create(for: account, store: store, at: Environment.now)
            let base = (baseURL ?? "https://\(configuration.appHost)").trimmingSuffix("/")
            print("Sign-in link for \(account.email) in \(workspace.slug), valid 15 minutes, once:")
            print("\(base)/login/link?token=\(token)")
        }
    }
}

struct DevSessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-session",
        abstract: "For tests and benchmarks: create a customer portal session and print its cookie value on the last line.",
        discussion: "Refused when PORTAL_ENV=production: customers sign in themselves.")

    @Option(help: "The workspace slug.") var workspace: String
    @Option(help: "The customer's email address.") var email: String

    func run() throws {
        let configuration = try Environment.configuration()
        guard configuration.environment != .production else {
            throw ValidationError("dev-session is for development and tests; PORTAL_ENV is production")
        }
        let store = try Environment.store()
        let workspace = try Environment.workspace(self.workspace, in: store)
        guard let address = EmailAddress(email), let customer = try store.customer(email: address, in: workspace.id) else {
            throw ValidationError("no customer \(email) in \(workspace.slug)")
        }
        let token = try CustomerSessions.create(for: customer, store: store, policy: SessionPolicy(), userAgent: "portal dev-session",
                                                clientAddress: nil, at: Environment.now)
        print("Session for \(customer.email) on \(workspace.slug) (cookie woes_portal_session):")
        print(token)
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
