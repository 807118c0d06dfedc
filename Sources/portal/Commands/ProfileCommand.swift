import ArgumentParser
import Foundation
import HTTPTypes
import Logging
import PortalKit

/// For profiling (`valgrind --tool=callgrind portal profile-request …`): answers
/// one request many times in-process, without sockets or nginx, and prints
/// the mean time per request.
struct ProfileRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile-request", abstract: "Answer one request in-process many times and print the time per request.",
        shouldDisplay: false)

    @Option(help: "Host header.") var host: String = "acme.portal.localhost"
    @Option(help: "Path and query.") var path: String = "/api/portal/issues"
    @Option(help: "Method.") var method: String = "GET"
    @Option(name: .customLong("header"), help: "Extra header, Name: value (repeatable).") var headers: [String] = []
    @Option(help: "Request body.") var body: String = ""
    @Option(help: "Repetitions.") var count: Int = 1000

    func run() throws {
        let configuration = try Environment.configuration()
        let store = try Environment.store()
        // The worker's log handler and access log, so logging costs what it costs in production.
        let logger = Logger(label: "profile") { LineLogHandler(label: $0, level: configuration.logLevel) }
        let app = PortalApplication(configuration: configuration, store: store, views: try Views.bundled(), logger: logger,
                                    accessLog: LineAccessLog(label: logger.label, level: logger.logLevel))
        var fields = HTTPFields()
        for header in headers {
            let parts = header.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let name = HTTPField.Name(String(parts[0])) else { throw ValidationError("bad header \(header)") }
            fields.append(HTTPField(name: name, value: parts[1].trimmingCharacters(in: .whitespaces)))
        }
        let head = HTTPRequest(method: HTTPRequest.Method(method) ?? .get, scheme: "https", authority: host, path: path, headerFields: fields)
        let first = app.respond(to: head, body: Array(body.utf8))
        print("status \(first.status.code), \(first.body.count) bytes")
        let started = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count { _ = app.respond(to: head, body: Array(body.utf8)) }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1000 / Double(count)
        print(String(format: "%.1f µs per request (%d requests)", elapsed, count))
    }
}
