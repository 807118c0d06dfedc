import Crypto

/// Email sign-in codes: six digits and a one-click link, both stored as
/// hashes only, valid ten minutes, single use, burnt after five wrong tries,
/// compared in constant time. An unknown email, a used or burnt challenge and
/// a wrong code all look the same to the caller.
struct SignInCodes: Sendable {
    let store: any PortalStore
    let limits: SignInLimits

    struct Issued {
        let code: String
        let linkToken: String
        let start: SignInStart
    }

    /// A fresh code and link for an email (uniformly random 000000–999999).
    func issue(audience: SignInAudience, workspace: WorkspaceID?, email: EmailAddress, clientAddress: String,
               subjectID: Int64?, now: Timestamp, mail: (_ code: String, _ linkToken: String) -> NewMail?,
               audits: [(WorkspaceID, NewAuditEvent)]) -> Issued {
        var generator = SystemRandomNumberGenerator()
        let code = String(format6(UInt32.random(in: 0..<1_000_000, using: &generator)))
        let salt = RandomToken.bytes(16)
        let link = SessionToken.generate()
        // The mail is rendered whoever asks (the same work either way); only someone who can sign in gets it.
        let rendered = mail(code, link.token)
        let start = SignInStart(
            audience: audience, workspaceID: workspace, email: email, clientAddress: clientAddress, subjectID: subjectID,
            codeSalt: salt, codeHash: Self.hash(code: code, salt: salt), linkHash: link.hash,
            expiresAt: now.adding(seconds: limits.codeLifetimeSeconds),
            mail: subjectID == nil ? nil : rendered, audits: audits, limits: limits)
        return Issued(code: code, linkToken: link.token, start: start)
    }

    static func hash(code: String, salt: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: salt + Array(code.utf8)))
    }

    /// Six ASCII digits, nothing else.
    static func isWellFormed(_ code: String) -> Bool {
        code.utf8.count == 6 && code.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    enum Verdict: Equatable {
        case accepted(SignInChallenge)
        /// Wrong code, unknown email, used, burnt or expired: one answer for all.
        case rejected
    }

    /// Checks a code against the email's live challenge and uses it up when right.
    func verify(code: String, audience: SignInAudience, workspace: WorkspaceID?, email: EmailAddress, now: Timestamp) throws
        -> Verdict
    {
        let challenge = try store.liveChallenge(audience: audience, workspace: workspace, email: email, at: now)
        // Hash and compare even without a challenge, so both paths cost the same.
        let salt = challenge?.codeSalt ?? Self.dummySalt
        let matches = constantTimeEquals(Self.hash(code: code, salt: salt), challenge?.codeHash ?? Self.dummyHash)
        guard let challenge, challenge.subjectID != nil else { return .rejected }
        guard matches else {
            _ = try store.recordWrongCode(challenge: challenge.id, burnAfter: limits.wrongCodesAllowed, at: now)
            return .rejected
        }
        return try store.consumeChallenge(id: challenge.id, at: now) ? .accepted(challenge) : .rejected
    }

    /// The live challenge of a one-click link, when it is for this audience
    /// and workspace (nil: the operators' app) and can sign someone in.
    func liveLink(_ token: String, audience: SignInAudience, workspace: WorkspaceID?, now: Timestamp) throws -> SignInChallenge? {
        guard SessionToken.isWellFormed(token),
              let challenge = try store.liveChallenge(linkHash: SessionToken.hash(token), at: now),
              challenge.audience == audience, challenge.workspaceID == workspace, challenge.subjectID != nil
        else { return nil }
        return challenge
    }

    /// Uses up the challenge of a one-click link; a link of another portal is
    /// refused without being spent.
    func verify(linkToken: String, audience: SignInAudience, workspace: WorkspaceID?, now: Timestamp) throws -> Verdict {
        guard let challenge = try liveLink(linkToken, audience: audience, workspace: workspace, now: now),
              try store.consumeChallenge(id: challenge.id, at: now)
        else { return .rejected }
        return .accepted(challenge)
    }

    private static let dummySalt = RandomToken.bytes(16)
    private static let dummyHash = [UInt8](repeating: 0, count: 32)

    private func format6(_ value: UInt32) -> String {
        let digits = String(value)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }
}

/// Byte comparison whose time does not depend on where the inputs differ.
func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}
