public protocol MailStore {
    func enqueueMail(_ mail: NewMail, in workspace: WorkspaceID?, at now: Timestamp) throws(StoreError) -> OutboundMail
    /// Claims the oldest mail due now (pending and its time come), marking it
    /// `sending` so that no other sender takes it.
    func claimDueMail(at now: Timestamp) throws(StoreError) -> OutboundMail?
    func markMailSent(id: Int64, at now: Timestamp) throws(StoreError)
    /// Records a failed attempt: back to `pending` for `retryAt`, or `failed` when nil.
    func markMailFailed(id: Int64, error: String, retryAt: Timestamp?, at now: Timestamp) throws(StoreError)
    /// Mail left `sending` by a sender that died: failed, not retried (the
    /// server may already have accepted it). Returns how many.
    func abandonInterruptedMail(claimedBefore: Timestamp, at now: Timestamp) throws(StoreError) -> Int
    /// Counts by status, and the latest mails.
    func mailStatus(recent: Int) throws(StoreError) -> (counts: [OutboundMailStatus: Int], recent: [OutboundMail])
}
