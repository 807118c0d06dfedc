import Foundation

/// Runs an external program (certbot, openssl, nginx) and collects what it printed.
public protocol CommandRunner: Sendable {
    func run(_ arguments: [String]) -> CommandResult
}

public struct CommandResult: Sendable, Equatable {
    public var status: Int32
    /// Standard output and standard error, interleaved.
    public var output: String

    public init(status: Int32, output: String) {
        self.status = status
        self.output = output
    }

    public var succeeded: Bool { status == 0 }

    /// The last non-empty lines, for an operator-facing reason.
    public func summary(maximumCharacters: Int = 400) -> String {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Saving debug log") && !$0.hasPrefix("Ask for help") && !$0.hasPrefix("See the logfile") }
        let text = lines.suffix(3).joined(separator: " ")
        return text.isEmpty ? "exited with status \(status)" : String(text.suffix(maximumCharacters))
    }
}

/// Runs programs found on the PATH with Foundation's `Process`.
public struct ProcessCommandRunner: CommandRunner {
    public init() {}

    public func run(_ arguments: [String]) -> CommandResult {
        guard let program = arguments.first else { return CommandResult(status: 127, output: "no command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments.dropFirst()
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return CommandResult(status: 127, output: "cannot run \(program): \(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
