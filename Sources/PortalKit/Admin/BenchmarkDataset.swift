/// A large, realistic dataset for `bench/run`: workspace `acme` with
/// companies, customers, issues with messages, tasks and notes, plus the
/// named customers and issues the benchmark scenarios use.
public struct BenchmarkDataset: Sendable {
    public var issues: Int
    public var customers: Int
    public var companies: Int
    public var messagesPerIssue: Int
    public var tasksPerIssue: Int
    public var seed: UInt64

    public init(issues: Int = 100_000, customers: Int = 10_000, companies: Int = 1_000, messagesPerIssue: Int = 5,
                tasksPerIssue: Int = 2, seed: UInt64 = 42) {
        self.issues = issues
        self.customers = max(customers, 2)
        self.companies = max(1, min(companies, self.customers))
        self.messagesPerIssue = messagesPerIssue
        self.tasksPerIssue = tasksPerIssue
        self.seed = seed
    }

    public static let memberEmail = "member@bench.test"
    public static let adminEmail = "admin@bench.test"
    /// Issues requested by the member customer.
    public static let memberIssues = 25

    /// What the scenarios need to address the data.
    public struct Summary: Sendable {
        public let workspace: Workspace
        public let memberEmail: String
        public let adminEmail: String
        /// An issue of the member with exactly 10 messages.
        public let detailRef: String
        /// An issue of the member to post replies to.
        public let replyRef: String
        public let apiKey: String
    }
}

/// Deterministic text for datasets (SplitMix64), so two runs build the same data.
struct DatasetText {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    private static let words = [
        "invoice", "export", "login", "password", "sso", "webhook", "api", "timeout", "error", "dashboard", "report",
        "billing", "account", "upload", "sync", "integration", "email", "notification", "permission", "user", "team",
        "latency", "crash", "mobile", "browser", "chart", "filter", "search", "import", "csv", "pdf", "payment", "plan",
        "seat", "license", "renewal", "refund", "token", "certificate", "domain", "calendar", "reminder", "workflow",
        "automation", "slow", "broken", "missing", "duplicate", "wrong", "cannot", "after", "update", "since", "today",
        "customers", "production", "staging", "please", "help", "urgent", "again", "still", "data", "settings",
    ]

    mutating func sentence(words count: Int) -> String {
        var parts: [String] = []
        parts.reserveCapacity(count)
        for _ in 0..<count { parts.append(Self.words[below(Self.words.count)]) }
        guard let first = parts.first else { return "" }
        parts[0] = first.prefix(1).uppercased() + first.dropFirst()
        return parts.joined(separator: " ") + "."
    }

    mutating func paragraph(sentences: Int) -> String {
        (0..<sentences).map { _ in sentence(words: 6 + below(10)) }.joined(separator: " ")
    }
}
