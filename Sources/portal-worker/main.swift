// The FastCGI worker. Everything lives in WorkerMain.swift: thread entry points
// must not be written in main.swift (top-level code is main-actor isolated).
import Foundation

exit(WorkerMain.run(environment: ProcessInfo.processInfo.environment))
