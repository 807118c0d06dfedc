import CSMTP

/// Where mail goes: parsed from `PORTAL_SMTP_URL`.
///
///     smtp://mail.example.net:25                 STARTTLS when offered
///     smtp://user:pass@mail.example.net:587      STARTTLS required (credentials never go in clear), AUTH
///     smtp://mail.example.net:587?tls=required   STARTTLS or fail
///     smtp://127.0.0.1:2525?tls=none             plain (a local sink)
///     smtps://user:pass@mail.example.net:465     TLS from the start
public struct SMTPServer: Sendable, Equatable {
    public enum TLS: String, Sendable, Equatable {
        case opportunistic, required, none
    }

    public var url: String
    public var username: String?
    public var password: String?
    public var tls: TLS
    public var caFile: String?

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String, caFile: String? = nil) throws(ParseError) {
        guard let schemeEnd = text.range(of: "://") else { throw ParseError(description: "expected smtp://host:port or smtps://host:port") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else { throw ParseError(description: "the scheme must be smtp or smtps") }
        var rest = text[schemeEnd.upperBound...]
        var tls: TLS = scheme == "smtps" ? .required : .opportunistic
        if let question = rest.firstIndex(of: "?") {
            let query = QueryParameters(parsing: rest[rest.index(after: question)...]) ?? QueryParameters()
            rest = rest[..<question]
            if let mode = query["tls"] {
                guard let parsed = TLS(rawValue: mode), !(scheme == "smtps" && parsed != .required) else {
                    throw ParseError(description: "tls= must be opportunistic, required or none (smtps is always TLS)")
                }
                tls = parsed
            }
        }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            username = PercentDecoding.decode(parts[0], plusAsSpace: false)
            password = parts.count > 1 ? PercentDecoding.decode(parts[1], plusAsSpace: false) : nil
        }
        let hostPort = rest.hasSuffix("/") ? rest.dropLast() : rest
        guard !hostPort.isEmpty, !hostPort.contains("/") else { throw ParseError(description: "expected a host and port") }
        url = "\(scheme)://\(hostPort)"
        // Credentials are never sent in clear unless tls=none says so explicitly.
        if username != nil, tls == .opportunistic { tls = .required }
        self.tls = tls
        self.caFile = caFile
    }

    /// Sends one rendered message; throws when the server did not accept it.
    func send(from: EmailAddress, to: EmailAddress, message: [UInt8]) throws(SMTPFailure) {
        var error = [CChar](repeating: 0, count: 512)
        var permanent: Int32 = 0
        let tlsMode: csmtp_tls_mode
        switch tls {
        case .opportunistic: tlsMode = CSMTP_TLS_OPPORTUNISTIC
        case .required: tlsMode = CSMTP_TLS_REQUIRED
        case .none: tlsMode = CSMTP_TLS_NONE
        }
        let status: Int32 = url.withCString { url in
            withOptionalCString(username) { username in
                withOptionalCString(password) { password in
                    withOptionalCString(caFile) { caFile in
                        var server = csmtp_server(url: url, username: username, password: password, ca_file: caFile, tls: tlsMode,
                                                  timeout_seconds: 30)
                        return message.withUnsafeBufferPointer { bytes in
                            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { pointer in
                                csmtp_send(&server, "<\(from.value)>", "<\(to.value)>", pointer, bytes.count, &error, error.count,
                                           &permanent)
                            }
                        }
                    }
                }
            }
        }
        guard status == 0 else {
            let text = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw SMTPFailure(message: text, permanent: permanent != 0)
        }
    }
}

public struct SMTPFailure: Error, CustomStringConvertible {
    public let message: String
    /// Retrying cannot help (a 5xx refusal, credentials refused).
    public let permanent: Bool
    public var description: String { message }
}
