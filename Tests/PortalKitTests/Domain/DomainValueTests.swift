import Testing
@testable import PortalKit

@Suite("Timestamps are written as ISO-8601 UTC with milliseconds")
struct TimestampTests {
    @Test("known instants", arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_795_694_400_123), "2026-11-26T12:00:00.123Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
    ])
    func formats(_ milliseconds: Int64, _ expected: String) {
        #expect(Timestamp(millisecondsSinceEpoch: milliseconds).iso8601 == expected)
    }

    @Test("the fast civil date agrees with Hinnant's algorithm on every day of every four-digit year from 1970")
    func fastCivilDateOnEveryDay() {
        var disagreements = 0
        for days in 0..<Timestamp.fastCivilDateLimit {
            let fast = Timestamp.fastCivilDate(days: UInt32(days))
            let general = Timestamp.civilDate(days: days)
            if Int64(fast.year) != general.year || Int64(fast.month) != general.month || Int64(fast.day) != general.day {
                disagreements += 1
            }
        }
        #expect(disagreements == 0)
        #expect(Timestamp.civilDate(days: Timestamp.fastCivilDateLimit - 1) == (9999, 12, 31))
        #expect(Timestamp.civilDate(days: Timestamp.fastCivilDateLimit) == (10000, 1, 1))
    }

    @Test("every field of the ISO text is the instant's, zero-padded, across centuries and both sides of the epoch")
    func isoFieldsAgainstReference() {
        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        // A prime step in milliseconds, so every hour, minute, second and millisecond value comes up.
        var milliseconds: Int64 = -2_208_988_800_000  // 1900-01-01
        while milliseconds < 4_102_444_800_000 {  // 2100-01-01
            let timestamp = Timestamp(millisecondsSinceEpoch: milliseconds)
            let (year, month, day) = Timestamp.civilDate(days: timestamp.daysSinceEpoch)
            let ms = timestamp.millisecondOfDay
            let expected = "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))T\(padded(ms / 3_600_000, 2)):"
                + "\(padded(ms / 60_000 % 60, 2)):\(padded(ms / 1000 % 60, 2)).\(padded(ms % 1000, 3))Z"
            if timestamp.iso8601 != expected {
                Issue.record("\(milliseconds): \(timestamp.iso8601) is not \(expected)")
                return
            }
            milliseconds += 2_718_281_831
        }
    }

    @Test("dates must exist", arguments: ["2024-02-29", "2026-12-31", "2026-01-01"])
    func realDates(_ text: String) { #expect(Timestamp.date(text) != nil) }

    @Test("non-dates are refused", arguments: ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-1", "tomorrow", "2026-04-31", "２０２６-01-01"])
    func notDates(_ text: String) { #expect(Timestamp.date(text) == nil) }
}

@Suite("Email addresses are normalized and strict")
struct EmailAddressTests {
    @Test("trimmed and lower-cased")
    func normalizes() {
        #expect(EmailAddress("  Ada.Lovelace@Example.COM ")?.value == "ada.lovelace@example.com")
    }

    @Test("refuses what is not one plain address", arguments: [
        "", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "ada@@example.com",
        "ada@example.com\r\nBcc: x@y.z", "ada@-example.com", ".ada@example.com", "ada..l@example.com",
        String(repeating: "a", count: 65) + "@example.com", "a@" + String(repeating: "b", count: 250) + ".com",
    ])
    func refuses(_ text: String) { #expect(EmailAddress(text) == nil) }
}

@Suite("Typed field values are checked by type")
struct FieldValueTests {
    @Test("valid values pass and are normalized")
    func validValues() throws {
        #expect(try FieldValue.validate("a", type: .text, options: []).get() == "a")
        #expect(try FieldValue.validate(3, type: .number, options: []).get() == 3)
        #expect(try FieldValue.validate(.double(2.5), type: .decimal, options: []).get() == .double(2.5))
        #expect(try FieldValue.validate(true, type: .boolean, options: []).get() == true)
        #expect(try FieldValue.validate("2026-11-26", type: .date, options: []).get() == "2026-11-26")
        #expect(try FieldValue.validate(" Ada@Example.com", type: .email, options: []).get() == "ada@example.com")
        #expect(try FieldValue.validate("https://x.example/a", type: .url, options: []).get() == "https://x.example/a")
        #expect(try FieldValue.validate("b", type: .select, options: ["a", "b"]).get() == "b")
        #expect(try FieldValue.validate(["a", "a", "b"], type: .multiSelect, options: ["a", "b"]).get() == ["a", "b"])
    }

    @Test("invalid values fail with a message")
    func invalidValues() {
        let cases: [(JSONValue, FieldType, [String])] = [
            (1, .text, []), (.double(1.5), .number, []), ("1", .decimal, []), ("yes", .boolean, []),
            ("2026-02-30", .date, []), ("not-an-email", .email, []), ("javascript:alert(1)", .url, []),
            ("c", .select, ["a", "b"]), (["a", "c"], .multiSelect, ["a", "b"]), ("a", .multiSelect, ["a"]),
            (.string(String(repeating: "x", count: 501)), .text, []),
        ]
        for (value, type, options) in cases {
            #expect(throws: FieldValueError.self, "\(value) as \(type)") { try FieldValue.validate(value, type: type, options: options).get() }
        }
    }

    @Test("only absolute http(s) URLs are web URLs", arguments: [
        ("https://example.com", true), ("http://example.com/x?y#z", true), ("HTTPS://EXAMPLE.COM", true),
        ("javascript:alert(1)", false), ("data:text/html,x", false), ("//example.com", false), ("/relative", false),
        ("https://", false), ("https://exa mple.com", false), ("https://example.com/\"><img>", false),
    ])
    func webURLs(_ text: String, _ valid: Bool) { #expect(WebURL.isHTTP(text) == valid) }

    @Test("https-only where required")
    func httpsOnly() {
        #expect(WebURL.isHTTP("https://a.example", requireHTTPS: true))
        #expect(!WebURL.isHTTP("http://a.example", requireHTTPS: true))
    }
}

@Suite("Host names, slugs and refs")
struct NamingTests {
    @Test("host names", arguments: [
        ("portal.example.net", true), ("a.b", true), ("xn--bcher-kva.example", true),
        ("localhost", false), ("Portal.example.net", false), ("-a.example", false), ("a..example", false),
        ("1.2.3.4", false), ("example.com.", false), ("*.example.com", false),
    ])
    func hostNames(_ host: String, _ valid: Bool) { #expect(HostName.isValid(host) == valid) }

    @Test("slugs are DNS labels", arguments: [("acme", true), ("acme-2", true), ("a", false), ("-acme", false), ("Acme", false), ("ac_me", false)])
    func slugs(_ slug: String, _ valid: Bool) { #expect(WorkspaceSlug.isValid(slug) == valid) }

    @Test("refs parse case-insensitively and print canonically")
    func refs() {
        #expect(IssueRef("iss-1042")?.description == "ISS-1042")
        for number: Int64 in [1, 9, 10, 99, 100, 1042, 99_999_999_999, 100_000_000_000, .max, -7, .min + 1] {
            #expect(IssueRef(number: number).description == "ISS-" + String(number))
        }
        #expect(IssueRef("ISS-0") == nil)
        #expect(IssueRef("ISS-") == nil)
        #expect(IssueRef("1042") == nil)
        #expect(IssueRef("ISS-12x") == nil)
    }

    @Test("API keys have the woesk_ prefix, 256 bits, and hash deterministically")
    func apiKeys() {
        let first = APIKeyToken.generate()
        let second = APIKeyToken.generate()
        #expect(first.token.hasPrefix("woesk_"))
        #expect(APIKeyToken.isWellFormed(first.token))
        #expect(first.token != second.token)
        #expect(APIKeyToken.hash(first.token) == first.hash)
        #expect(first.hash.count == 32)
        #expect(!APIKeyToken.isWellFormed("woesk_short"))
        #expect(!APIKeyToken.isWellFormed(String(first.token.dropLast()) + "="), "base64url only")
        #expect(!APIKeyToken.isWellFormed(first.token + "A"), "exactly 43 characters after the prefix")
        #expect(!APIKeyToken.isWellFormed("WOESK_" + first.token.dropFirst(6)), "the prefix in its exact bytes")
        #expect(!APIKeyToken.isWellFormed(first.token.replacingOccurrences(of: "woesk_", with: "wrong_")))
    }

    @Test("a session token is exactly 43 base64url characters; anything else is refused before any lookup")
    func sessionTokens() {
        let token = SessionToken.generate().token
        #expect(SessionToken.isWellFormed(token))
        #expect(!SessionToken.isWellFormed(""))
        #expect(!SessionToken.isWellFormed(String(token.dropLast())), "one short")
        #expect(!SessionToken.isWellFormed(token + "A"), "one long")
        for bad in ["=", "+", "/", " ", ".", "é", "\u{0}"] {
            #expect(!SessionToken.isWellFormed(String(token.dropLast(bad.utf8.count)) + bad), "\(bad) is not base64url")
        }
        // 43 characters, but more bytes: é is two.
        #expect(!SessionToken.isWellFormed(String(token.dropLast()) + "é"))
        #expect(SessionToken.isWellFormed(String(repeating: "-", count: 21) + String(repeating: "_", count: 22)))
    }
}

import Foundation
