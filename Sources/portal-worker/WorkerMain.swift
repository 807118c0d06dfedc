#if canImport(Glibc)
import Glibc
#endif
import FastCGI
import Logging
import PortalKit
import Foundation

/// Start-up and shutdown of the worker process.
enum WorkerMain {
    static func run(environment: [String: String]) -> Int32 {
        let configuration: Configuration
        let listenAddress: ListenAddress
        do {
            configuration = try Configuration(environment: environment)
            if let listen = configuration.listen {
                listenAddress = try ListenAddress(parsing: listen)
            } else if let inherited = ListenAddress.inherited(environment: environment) {
                listenAddress = inherited
            } else {
                listenAddress = try ListenAddress(parsing: configuration.defaultListen)
            }
        } catch {
            FileHandle.standardError.write(Data("portal-worker: \(error)\n".utf8))
            return 2
        }
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, level: configuration.logLevel) }
        let logger = Logger(label: "portal-worker")

        // Requests computed at once; a reply that waits for the shared
        // transaction carrying its write lends its slot meanwhile.
        let responseSlots = configuration.concurrency > 0 && configuration.concurrency < configuration.threads
            ? ResponseSlots(count: configuration.concurrency) : nil
        let store: SQLiteStore
        do {
            var storeOptions = SQLiteStore.Options(maximumReaders: configuration.databaseReaders,
                                                   answerBytesPerReader: configuration.answerMemoKilobytes * 1024)
            if let responseSlots { storeOptions.whileWaitingForWriter = { sleep in responseSlots.lending(while: sleep) } }
            store = try SQLiteStore(path: configuration.databasePath, options: storeOptions)
            if configuration.migrateOnStart {
                let applied = try store.migrate()
                if !applied.isEmpty { logger.notice("migrated", metadata: ["applied": "\(applied)"]) }
            } else {
                let pending = try store.pendingMigrations()
                guard pending.isEmpty else {
                    logger.critical("the database needs migrations; run `portal migrate` or set PORTAL_MIGRATE=1",
                                    metadata: ["pending": "\(pending)", "database": "\(configuration.databasePath)"])
                    return 1
                }
            }
        } catch {
            logger.critical("cannot open the database", metadata: ["database": "\(configuration.databasePath)",
                                                                   "error": "\(error)"])
            return 1
        }

        if !SQLiteStore.memoryStatisticsAreOff {
            logger.warning("SQLite's memory statistics stayed on (SQLite was used before the store opened): every allocation inside SQLite takes one global lock")
        }

        let views: Views
        do {
            views = try Views.bundled()
        } catch {
            logger.critical("cannot load templates", metadata: ["error": "\(error)"])
            return 1
        }
        let accessLog = LineAccessLog(label: logger.label, level: logger.logLevel,
                                      batchDelayMicroseconds: UInt32(configuration.accessLogDelayMilliseconds * 1000))
        let application = PortalApplication(
            configuration: configuration, store: store, views: views, logger: logger,
            accessLog: accessLog)

        // libfcgi first (it installs handlers), then ours over them.
        signal(SIGPIPE, SIG_IGN)
        FastCGIServer.initializeLibrary()
        let signals: ShutdownSignals
        let socket: ListeningSocket
        do {
            signals = try ShutdownSignals.install()
            socket = try ListeningSocket.open(listenAddress, socketMode: mode_t(configuration.socketMode),
                                              socketGroup: configuration.socketGroup,
                                              environment: environment)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            return 1
        }

        let server = FastCGIServer(
            socket: socket,
            configuration: .init(threadCount: configuration.threads, maxBodyBytes: configuration.maxBodyBytes,
                                 responseSlots: responseSlots),
            responder: WorkerResponder(application: application),
            logger: logger)
        do {
            try store.startBackgroundCheckpoints { [logger] problem in logger.warning("\(problem)") }
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            return 1
        }
        server.start()
        application.mailSender.start()
        logger.notice("ready", metadata: [
            "environment": "\(configuration.environment.rawValue)", "app_host": "\(configuration.appHost)",
            "portal_base_domain": "\(configuration.portalBaseDomain)", "database": "\(configuration.databasePath)",
            "mail": "\(configuration.smtp.map { configuration.runMailSender ? $0.url : "sent by another process" } ?? "outbox only (PORTAL_SMTP_URL unset)")",
        ])

        let signal = signals.wait()
        logger.notice("shutting down", metadata: ["signal": "\(signal)"])
        application.mailSender.stop()
        let drained = server.stop(gracePeriod: configuration.shutdownGraceSeconds)
        // The access lines still gathering, before the lines below.
        accessLog.close()
        // Threads idle on nginx's kept-alive connections may still be parked in
        // libfcgi; the process exits under them, so the descriptor is not closed.
        socket.removeSocketFile()
        do { try store.close() } catch { logger.warning("database close", metadata: ["error": "\(error)"]) }
        let groupCommit = store.groupCommitCounts
        logger.notice("stopped", metadata: [
            "drained": "\(drained)", "batched_writes": "\(groupCommit.writes)", "write_transactions": "\(groupCommit.transactions)",
        ])
        return 0
    }
}

/// Hands each FastCGI request to the application.
struct WorkerResponder: FastCGIResponder {
    let application: PortalApplication

    func respond(to request: FastCGIRequest) -> FastCGIResponse {
        let response = application.respond(
            to: request.head, body: request.body, bodyExceededLimit: request.bodyExceededLimit,
            clientAddress: request.remoteAddress, requestID: request.requestID)
        return FastCGIResponse(
            head: HTTPResponse(status: response.status, headerFields: response.headerFields), body: response.body)
    }
}

import HTTPTypes
