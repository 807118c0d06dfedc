import ArgumentParser
import Foundation
import PortalKit

struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-dataset",
        abstract: "Fill an empty database with a benchmark dataset (workspace acme); prints a JSON summary on the last line.")

    @Option(help: "Issues to create.") var issues: Int = 100_000
    @Option(help: "Customers to create.") var customers: Int = 10_000
    @Option(help: "Companies to create.") var companies: Int = 1_000
    @Option(help: "Messages per issue (about).") var messages: Int = 5
    @Option(help: "Tasks per issue.") var tasks: Int = 2
    @Option(help: "Random seed, for the same data on every run.") var seed: UInt64 = 42

    func validate() throws {
        guard issues >= BenchmarkDataset.memberIssues * 2 else { throw ValidationError("--issues must be at least \(BenchmarkDataset.memberIssues * 2)") }
        guard customers >= 2, companies >= 1 else { throw ValidationError("--customers must be ≥ 2 and --companies ≥ 1") }
    }

    func run() throws {
        let store = try Environment.store()
        let started = Date()
        let summary: BenchmarkDataset.Summary
        do {
            summary = try store.loadBenchmarkDataset(
                BenchmarkDataset(issues: issues, customers: customers, companies: companies, messagesPerIssue: messages,
                                 tasksPerIssue: tasks, seed: seed),
                at: Environment.now) { step in
                FileHandle.standardError.write(Data("  \(step) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)\n".utf8))
            }
        } catch StoreError.conflict {
            throw ValidationError("the database already has a workspace acme; generate into an empty database")
        }
        var json = JSONWriter()
        json.object { json in
            json.field("workspace", summary.workspace.slug)
            json.field("memberEmail", summary.memberEmail)
            json.field("adminEmail", summary.adminEmail)
            json.field("detailRef", summary.detailRef)
            json.field("replyRef", summary.replyRef)
            json.field("apiKey", summary.apiKey)
            json.field("issues", issues)
            json.field("seconds", Int(Date().timeIntervalSince(started).rounded()))
        }
        print(json.string)
    }
}
