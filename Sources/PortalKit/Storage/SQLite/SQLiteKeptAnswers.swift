/// One read connection's kept answers (`SnapshotAnswerStore`), all of one
/// database version: `SQLiteReadMemo` empties it when the version moves.
///
/// At most `byteBudget` bytes of answers (the memory each holds) and
/// `capacity` of them; when one more does not fit, all are dropped at once,
/// like the memo's other tables. An answer larger than a quarter of the budget
/// is not kept, so one customer's long page cannot keep emptying the table.
/// Keys are not counted: a list's question is at most a 512-byte cursor and a
/// search, a page's a target of at most 1 KiB (`PortalPages`), so 256 keys
/// stay within a few hundred KiB.
final class SQLiteKeptAnswers {
    private var answers: [SnapshotAnswerKey: any SnapshotAnswer] = [:]
    private(set) var byteCount = 0
    let byteBudget: Int
    let capacity = 256

    init(byteBudget: Int) {
        self.byteBudget = byteBudget
    }

    var count: Int { answers.count }

    subscript(key: SnapshotAnswerKey) -> (any SnapshotAnswer)? { answers[key] }

    func insert(_ answer: any SnapshotAnswer, for key: SnapshotAnswerKey) {
        let size = answer.retainedByteCount
        guard size <= byteBudget / 4 else { return }
        if let replaced = answers.removeValue(forKey: key) { byteCount -= replaced.retainedByteCount }
        if byteCount + size > byteBudget || answers.count >= capacity { removeAll() }
        answers[key] = answer
        byteCount += size
    }

    func removeAll() {
        if !answers.isEmpty { answers.removeAll(keepingCapacity: true) }
        byteCount = 0
    }
}
