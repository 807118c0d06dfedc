import Foundation
import GRDB

extension SQLiteStore {
    /// Loads a benchmark dataset with batched inserts (prepared statements,
    /// 5 000 issues per transaction, synchronous=OFF while loading: a dataset
    /// is rebuilt, not recovered). Refuses a database that already has `acme`.
    public func loadBenchmarkDataset(_ plan: BenchmarkDataset, at now: Timestamp, progress: (String) -> Void = { _ in })
        throws -> BenchmarkDataset.Summary
    {
        if try workspace(slug: DemoSeed.workspaceSlug) != nil {
            throw StoreError.conflict(field: "slug")
        }
        var text = DatasetText(seed: plan.seed)
        let workspace = try createWorkspace(NewWorkspace(
            slug: DemoSeed.workspaceSlug, name: "Acme Support",
            customFields: DemoSeed.acmeCustomFields), at: now)
        let owner = try createOperator(NewOperator(email: EmailAddress("owner@acme.test")!, name: "Olivia Owner", role: .owner),
                                       in: workspace.id, at: now)
        let key = APIKeyToken.generate()
        _ = try createAPIKey(NewAPIKey(name: "bench", operatorID: owner.id, explicitPermissions: nil, tokenHash: key.hash,
                                       displayPrefix: key.displayPrefix), in: workspace.id, at: now)
        _ = try savePortalSettings(PortalSettingsSave(
            document: PortalSettingsDocument.stored(DemoSeed.demoSettings(for: workspace)), expectedVersion: 0,
            customDomain: nil, newDomainToken: "", audit: nil), in: workspace.id, at: now)

        let ws = workspace.id.rawValue
        let start = now.millisecondsSinceEpoch - Int64(plan.issues) * 60_000
        var detailNumber: Int64 = 0
        var replyNumber: Int64 = 0
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = OFF")
                defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }

                // Companies and customers: customer 1 (company 1) is the admin, customer 2 the member.
                try db.inTransaction {
                    let company = try db.makeStatement(sql: """
                        INSERT INTO company (workspace_id, name, external_id, email_domains, created_at, updated_at)
                        VALUES (?, ?, ?, '[]', ?, ?)
                        """)
                    for index in 1...plan.companies {
                        try company.execute(arguments: [ws, "Company \(index) " + text.sentence(words: 1).dropLast(), "crm-\(index)", now.databaseValue, now.databaseValue])
                    }
                    let customer = try db.makeStatement(sql: """
                        INSERT INTO customer (workspace_id, email, name, company_id, portal_access, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                    for index in 1...plan.customers {
                        let companyID = Int64((index - 1) % plan.companies + 1)
                        let email: String
                        let access: String?
                        switch index {
                        case 1: (email, access) = (BenchmarkDataset.adminEmail, "admin")
                        case 2: (email, access) = (BenchmarkDataset.memberEmail, "member")
                        default: (email, access) = ("customer\(index)@company\(companyID).test", index % 10 == 0 ? "admin" : nil)
                        }
                        try customer.execute(arguments: [ws, email, "Customer \(index)", companyID, access, now.databaseValue, now.databaseValue])
                    }
                    return .commit
                }
                progress("companies and customers")

                let customerIDs = try Int64.fetchAll(db, sql: "SELECT id FROM customer WHERE workspace_id = ? ORDER BY id",
                                                     arguments: [ws])
                let memberID = customerIDs[1]

                let issue = try db.makeStatement(sql: """
                    INSERT INTO issue (workspace_id, number, title, description, status, priority, tags, custom_fields,
                                       requester_id, company_id, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, '["bench"]', ?, ?, (SELECT company_id FROM customer WHERE id = ?), ?, ?)
                    """)
                let message = try db.makeStatement(sql: """
                    INSERT INTO message (workspace_id, issue_id, role, body, author_name, author_customer_id, author_operator_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let note = try db.makeStatement(sql: """
                    INSERT INTO note (workspace_id, issue_id, body, author_name, author_operator_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                let task = try db.makeStatement(sql: """
                    INSERT INTO task (workspace_id, issue_id, title, status, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                let statuses = workspace.issueStatuses.map(\.key)
                let taskStatuses = workspace.taskStatuses.map(\.key)
                let environments = ["production", "staging", "development"]
                // The member's issues are spread evenly through the whole range.
                let memberEvery = max(1, plan.issues / BenchmarkDataset.memberIssues)
                var number: Int64 = 1000
                var batchStart = 0
                while batchStart < plan.issues {
                    let batchEnd = min(plan.issues, batchStart + 5_000)
                    try db.inTransaction {
                        for index in batchStart..<batchEnd {
                            number += 1
                            let isMember = index % memberEvery == 0 && index / memberEvery < BenchmarkDataset.memberIssues
                            let requester = isMember ? memberID : customerIDs[text.below(plan.customers)]
                            let created = start + Int64(index) * 60_000
                            let messageCount = isMember && detailNumber == 0 ? 10 : plan.messagesPerIssue + text.below(3) - 1
                            let updated = created + Int64(max(messageCount, 0)) * 600_000
                            let fields = "{\"environment\":\"\(environments[text.below(3)])\",\"internal_score\":\(text.below(100))}"
                            try issue.execute(arguments: [ws, number, text.sentence(words: 4 + text.below(6)),
                                                          text.paragraph(sentences: 2 + text.below(4)), statuses[text.below(statuses.count)],
                                                          WorkspaceDefaults.priorities[text.below(4)], fields, requester, requester,
                                                          created, updated])
                            let issueID = db.lastInsertedRowID
                            if isMember {
                                if detailNumber == 0 { detailNumber = number } else if replyNumber == 0 { replyNumber = number }
                            }
                            for position in 0..<max(messageCount, 0) {
                                let fromCustomer = position % 2 == 0
                                try message.execute(arguments: [ws, issueID, fromCustomer ? "customer" : "support",
                                                                text.paragraph(sentences: 1 + text.below(3)),
                                                                fromCustomer ? "Customer" : "Olivia Owner",
                                                                fromCustomer ? requester : nil, fromCustomer ? nil : owner.id.rawValue,
                                                                created + Int64(position) * 600_000])
                            }
                            try note.execute(arguments: [ws, issueID, "Internal: " + text.sentence(words: 8), "Olivia Owner",
                                                         owner.id.rawValue, created])
                            for position in 0..<plan.tasksPerIssue {
                                try task.execute(arguments: [ws, issueID, text.sentence(words: 3), taskStatuses[text.below(taskStatuses.count)],
                                                             position + 1, created, created])
                            }
                        }
                        return .commit
                    }
                    batchStart = batchEnd
                    if batchStart % 50_000 == 0 || batchStart == plan.issues { progress("\(batchStart) issues") }
                }
                try db.execute(sql: "UPDATE workspace SET next_issue_number = ? WHERE id = ?", arguments: [number + 1, ws])
                try db.execute(sql: "ANALYZE")
            }
        } catch {
            throw StoreError(error)
        }
        return BenchmarkDataset.Summary(
            workspace: workspace, memberEmail: BenchmarkDataset.memberEmail, adminEmail: BenchmarkDataset.adminEmail,
            detailRef: IssueRef(number: detailNumber).description, replyRef: IssueRef(number: replyNumber).description,
            apiKey: key.token)
    }
}
