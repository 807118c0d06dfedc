import Foundation
import Logging
import Testing
@testable import PortalKit

@Suite("Mail: the outbox, the sender's retries and the message text")
struct MailTests {
    static func mail(to address: String = "bob@initech.test", name: String = "Acme Support") -> NewMail {
        NewMail(to: EmailAddress(address)!, fromName: name, subject: "Your code: 123456", textBody: "Code 123456",
                htmlBody: "<p>Code 123456</p>")
    }

    @Test("a claimed mail is not claimed again, and a sent one never goes again")
    func claims() throws {
        let store = try makeStore()
        let clock = ManualClock()
        let queued = try store.enqueueMail(Self.mail(), in: nil, at: clock.now())
        #expect(queued.status == .pending)
        let claimed = try #require(try store.claimDueMail(at: clock.now()))
        #expect(claimed.id == queued.id && claimed.attempts == 1)
        #expect(try store.claimDueMail(at: clock.now()) == nil)
        try store.markMailSent(id: claimed.id, at: clock.now())
        clock.advance(seconds: 86_400)
        #expect(try store.claimDueMail(at: clock.now()) == nil)
        #expect(try store.mailStatus(recent: 5).counts[.sent] == 1)
    }

    @Test("a mail left `sending` by a dead sender is failed, not resent (the server may have accepted it)")
    func interrupted() throws {
        let store = try makeStore()
        let clock = ManualClock()
        _ = try store.enqueueMail(Self.mail(), in: nil, at: clock.now())
        _ = try store.claimDueMail(at: clock.now())
        #expect(try store.abandonInterruptedMail(claimedBefore: clock.now().adding(seconds: -300), at: clock.now()) == 0)
        clock.advance(seconds: 301)
        #expect(try store.abandonInterruptedMail(claimedBefore: clock.now().adding(seconds: -300), at: clock.now()) == 1)
        #expect(try store.claimDueMail(at: clock.now()) == nil)
        #expect(try store.mailStatus(recent: 1).recent.first?.status == .failed)
    }

    @Test("an unreachable server means retries with growing backoff, then giving up")
    func backoff() throws {
        let store = try makeStore()
        let clock = ManualClock()
        // A port nothing listens on: the connection is refused at once.
        let server = try SMTPServer(parsing: "smtp://127.0.0.1:1?tls=none")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let sender = MailSender(store: store, server: server, from: EmailAddress("noreply@portal.localhost")!, clock: clock,
                                logger: logger)
        _ = try store.enqueueMail(Self.mail(), in: nil, at: clock.now())
        var waits: [Int64] = []
        for _ in 0..<(MailSender.backoff.count + 1) {
            #expect(try sender.deliverDue() == 1)
            #expect(try sender.deliverDue() == 0, "not due again before its backoff")
            let mail = try #require(try store.mailStatus(recent: 1).recent.first)
            guard mail.status == .pending else {
                #expect(mail.status == .failed)
                break
            }
            #expect(mail.lastError?.contains("connect") == true || mail.lastError?.contains("Couldn't") == true, "\(mail.lastError ?? "")")
            let wait = (mail.nextAttemptAt.millisecondsSinceEpoch - clock.now().millisecondsSinceEpoch) / 1000
            waits.append(wait)
            clock.advance(seconds: wait)
        }
        #expect(waits == MailSender.backoff)
        #expect(try store.mailStatus(recent: 1).recent.first?.status == .failed)
        #expect(try store.mailStatus(recent: 1).recent.first?.attempts == MailSender.backoff.count + 1)
    }

    @Test("no header can be injected through a name, subject or address text")
    func headerInjection() throws {
        let mail = OutboundMail(
            id: 1, workspaceID: nil, to: EmailAddress("bob@initech.test")!, fromName: "Acme\r\nBcc: evil@example.test",
            subject: "Hi\r\nBcc: evil@example.test", textBody: "x", htmlBody: "y", status: .pending, attempts: 0,
            nextAttemptAt: Timestamp(millisecondsSinceEpoch: 0), lastError: nil, createdAt: Timestamp(millisecondsSinceEpoch: 0),
            sentAt: nil)
        let text = String(decoding: MailMessage.render(mail, from: EmailAddress("noreply@portal.localhost")!, messageID: "1@x",
                                                      date: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)), as: UTF8.self)
        let headers = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(!headers.contains { $0.lowercased().hasPrefix("bcc:") })
        #expect(headers.contains("From: \"Acme  Bcc: evil@example.test\" <noreply@portal.localhost>"))
        #expect(headers.contains("Date: Wed, 18 Nov 2026 11:06:40 +0000"))
        #expect(EmailAddress("bob@initech.test\r\nBcc: evil@example.test") == nil)
    }

    @Test("non-ASCII names and subjects are encoded words; bodies are base64 UTF-8 alternatives")
    func encoding() {
        #expect(MailMessage.encodedWord("Café") == "=?utf-8?B?Q2Fmw6k=?=")
        #expect(MailMessage.encodedWord("Plain") == "Plain")
        #expect(MailMessage.mailbox(name: "Zoë \"Z\"", address: EmailAddress("z@x.test")!).hasSuffix(" <z@x.test>"))
        #expect(MailMessage.base64Lines(Array(repeating: 0x41, count: 200)).allSatisfy { $0.utf8.count <= 76 })
    }

    @Test("PORTAL_SMTP_URL: schemes, credentials, TLS modes", arguments: [
        ("smtp://mail.example.net:25", "smtp://mail.example.net:25", nil, SMTPServer.TLS.opportunistic),
        ("smtp://user%40x:p%3Ass@mail.example.net:587", "smtp://mail.example.net:587", "user@x", .required),
        ("smtps://u:p@mail.example.net:465", "smtps://mail.example.net:465", "u", .required),
        ("smtp://127.0.0.1:2525?tls=none", "smtp://127.0.0.1:2525", nil, .none),
    ] as [(String, String, String?, SMTPServer.TLS)])
    func smtpURL(text: String, url: String, username: String?, tls: SMTPServer.TLS) throws {
        let server = try SMTPServer(parsing: text)
        #expect(server.url == url && server.username == username && server.tls == tls)
    }

    @Test("bad PORTAL_SMTP_URL values are refused", arguments: ["http://x:25", "mail.example.net:25", "smtps://x:465?tls=none",
                                                               "smtp://", "smtp://x:25?tls=maybe"])
    func badSMTPURL(text: String) {
        #expect(throws: SMTPServer.ParseError.self) { try SMTPServer(parsing: text) }
    }

    @Test("the device column reads like a person would say it")
    func devices() {
        #expect(DeviceDescription.describe(userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0") == "Firefox on Linux")
        #expect(DeviceDescription.describe(userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1") == "Safari on iPhone")
        #expect(DeviceDescription.describe(userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0") == "Edge on Windows")
        #expect(DeviceDescription.describe(userAgent: nil) == "Unknown device")
    }
}
