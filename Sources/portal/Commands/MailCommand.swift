import ArgumentParser
import Foundation
import Logging
import PortalKit

struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail", abstract: "The outbox: what was sent, what waits, what failed; deliver it from here.",
        subcommands: [Status.self, Deliver.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count the outbox by status and list the latest mails.")

        @Option(help: "How many of the latest mails to list.") var recent = 20

        func run() throws {
            let configuration = try Environment.configuration()
            let store = try Environment.store()
            let (counts, latest) = try store.mailStatus(recent: max(0, recent))
            print("SMTP: \(configuration.smtp?.url ?? "not configured (PORTAL_SMTP_URL unset): mail waits in the outbox")")
            print("From: \(configuration.mailFrom.value)")
            print(OutboundMailStatus.allCases.map { "\($0.rawValue): \(counts[$0] ?? 0)" }.joined(separator: "  "))
            for mail in latest {
                var line = "\(mail.id)\t\(mail.status.rawValue)\t\(mail.createdAt.iso8601)\t\(mail.to.value)\tattempts \(mail.attempts)"
                if mail.status == .pending { line += "\tnext \(mail.nextAttemptAt.iso8601)" }
                if let sent = mail.sentAt { line += "\tsent \(sent.iso8601)" }
                if let error = mail.lastError, mail.status != .sent { line += "\t\(error)" }
                print(line)
            }
        }
    }

    struct Deliver: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver the mail due now, once or (--watch) until stopped.",
            discussion: """
                Workers deliver mail themselves; run this instead when they are started with PORTAL_MAIL_SENDER=0. \
                Several senders may run at once: each mail is claimed before it is sent.
                """)

        @Flag(help: "Keep delivering every few seconds until interrupted.") var watch = false

        func run() throws {
            let configuration = try Environment.configuration()
            guard let smtp = configuration.smtp else { throw ValidationError("PORTAL_SMTP_URL is not set: there is nowhere to deliver to") }
            let store = try Environment.store()
            var logger = Logger(label: "portal-mail")
            logger.logLevel = configuration.logLevel
            let sender = MailSender(store: store, server: smtp, from: configuration.mailFrom, clock: SystemClock(), logger: logger)
            repeat {
                let handled = try sender.deliverDue()
                if !watch { print("Handled \(handled) mail(s).") }
                if watch && handled == 0 { sleep(2) }
            } while watch
        }
    }
}
