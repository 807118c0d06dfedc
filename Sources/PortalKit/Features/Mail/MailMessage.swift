/// Builds the RFC 5322 / MIME text of a mail: plain-text and HTML alternatives
/// in UTF-8 (base64), encoded words for non-ASCII headers, and no control
/// character ever reaching a header line (so no header can be injected).
public enum MailMessage {
    public static func render(_ mail: OutboundMail, from address: EmailAddress, messageID: String, date: Timestamp) -> [UInt8] {
        let boundary = "woes-" + RandomToken.hex(byteCount: 12)
        var lines: [String] = [
            "Date: " + rfc5322Date(date),
            "From: " + mailbox(name: mail.fromName, address: address),
            "To: <" + mail.to.value + ">",
            "Subject: " + encodedWord(mail.subject),
            "Message-ID: <" + messageID + ">",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "Auto-Submitted: auto-generated",
            "",
            "--" + boundary,
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += base64Lines(Array(mail.textBody.utf8))
        lines += ["", "--" + boundary, "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        lines += base64Lines(Array(mail.htmlBody.utf8))
        lines += ["", "--" + boundary + "--", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// A header value on one line: control characters (CR and LF above all) become spaces.
    static func headerSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// `"Acme Support" <noreply@acme.example>`, encoded when not plain ASCII.
    static func mailbox(name: String, address: EmailAddress) -> String {
        let safe = headerSafe(name)
        let printable = safe.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" && $0 != "\\" }
        let display = printable ? "\"" + safe + "\"" : encodedWord(safe)
        return display + " <" + address.value + ">"
    }

    /// RFC 2047 `=?utf-8?B?…?=` for non-ASCII text; ASCII passes as is.
    static func encodedWord(_ text: String) -> String {
        let safe = headerSafe(text)
        if safe.unicodeScalars.allSatisfy(\.isASCII) { return safe }
        return "=?utf-8?B?" + standardBase64(Array(safe.utf8)) + "?="
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Array(standardBase64(bytes).utf8)
        return stride(from: 0, to: encoded.count, by: 76).map {
            String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self)
        }
    }

    static func standardBase64(_ bytes: [UInt8]) -> String {
        let url = RandomToken.base64URL(bytes)
        var text = url.replacingOccurrencesOfURLCharacters()
        while text.utf8.count % 4 != 0 { text.append("=") }
        return text
    }

    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Thu, 26 Nov 2026 12:00:00 +0000`.
    static func rfc5322Date(_ time: Timestamp) -> String {
        let (year, month, day) = time.civilDate
        let weekday = days[Int(((time.daysSinceEpoch % 7) + 7) % 7)]
        let seconds = time.millisecondOfDay / 1000
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekday), \(day) \(months[Int(month) - 1]) \(year) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) +0000"
    }
}

private extension String {
    func replacingOccurrencesOfURLCharacters() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }))
    }
}
