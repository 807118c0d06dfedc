public protocol AuditStore {
    func appendAuditEvent(_ event: NewAuditEvent, in workspace: WorkspaceID, at now: Timestamp) throws(StoreError)
    /// Newest first.
    func auditEvents(in workspace: WorkspaceID, page: PageRequest) throws(StoreError) -> Page<AuditEvent>
}
