/// Messages, notes and tasks: always reached through their issue, so a child of
/// another workspace's issue is a 404 like any missing one.
extension SupportAPI {
    var messageRoutes: [Route] {
        [
            .get("/api/v1/issues/:id/messages", .account(.issuesRead) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                let scope = "messages|\(issue.id)"
                let page = try ListParameters.pageRequest(context.request.query, scope: scope)
                return .list("messages", try store.messages(issue: issue.id, in: principal.workspace.id, page: page),
                             scope: scope, position: { $0.id.rawValue }, SupportRepresentations.message)
            }),
            .post("/api/v1/issues/:id/messages", .account(.issuesWrite) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                let body = try context.request.jsonObjectBody()
                let text = body.requiredString("body", length: 1...20_000)
                let authorName = body.optionalString("authorName", length: 1...120) ?? principal.displayName
                try body.finish()
                guard let message = try store.createMessage(
                    NewMessage(role: .support, body: text!, authorName: authorName),
                    issue: issue.id, in: principal.workspace.id, at: context.now)
                else { throw HTTPError.notFound }
                return SupportRepresentations.created(message, SupportRepresentations.message)
            }),
            .get("/api/v1/issues/:id/messages/:messageId", .account(.issuesRead) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                guard let message = try store.message(id: Self.id(context.parameters.require("messageId")), issue: issue.id,
                                                      in: principal.workspace.id)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(message, SupportRepresentations.message)
            }),
            .patch("/api/v1/issues/:id/messages/:messageId", .account(.issuesWrite) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                let id: MessageID = try Self.id(context.parameters.require("messageId"))
                let body = try context.request.jsonObjectBody()
                let text = body.requiredString("body", length: 1...20_000)
                try body.finish()
                guard let message = try store.updateMessage(id: id, issue: issue.id, body: text!, in: principal.workspace.id)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(message, SupportRepresentations.message)
            }),
        ]
    }

    var noteRoutes: [Route] {
        [
            .get("/api/v1/issues/:id/notes", .account(.issuesRead) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                let scope = "notes|\(issue.id)"
                let page = try ListParameters.pageRequest(context.request.query, scope: scope)
                return .list("notes", try store.notes(issue: issue.id, in: principal.workspace.id, page: page),
                             scope: scope, position: { $0.id.rawValue }, SupportRepresentations.note)
            }),
            .post("/api/v1/issues/:id/notes", .account(.issuesWrite) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                let body = try context.request.jsonObjectBody()
                let text = body.requiredString("body", length: 1...20_000)
                try body.finish()
                guard let note = try store.createNote(
                    NewNote(body: text!, authorName: principal.displayName), issue: issue.id,
                    in: principal.workspace.id, at: context.now)
                else { throw HTTPError.notFound }
                return SupportRepresentations.created(note, SupportRepresentations.note)
            }),
            .get("/api/v1/issues/:id/notes/:noteId", .account(.issuesRead) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                guard let note = try store.note(id: Self.id(context.parameters.require("noteId")), issue: issue.id,
                                                in: principal.workspace.id)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(note, SupportRepresentations.note)
            }),
            .patch("/api/v1/issues/:id/notes/:noteId", .account(.issuesWrite) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                let id: NoteID = try Self.id(context.parameters.require("noteId"))
                let body = try context.request.jsonObjectBody()
                let text = body.requiredString("body", length: 1...20_000)
                try body.finish()
                guard let note = try store.updateNote(id: id, issue: issue.id, body: text!, in: principal.workspace.id)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(note, SupportRepresentations.note)
            }),
        ]
    }

    var taskRoutes: [Route] {
        [
            .get("/api/v1/issues/:id/tasks", .account(.issuesRead) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                let scope = "tasks|\(issue.id)"
                let page = try ListParameters.pageRequest(context.request.query, scope: scope)
                return .list("tasks", try store.tasks(issue: issue.id, in: principal.workspace.id, page: page),
                             scope: scope, position: { $0.id.rawValue }, SupportRepresentations.task)
            }),
            .post("/api/v1/issues/:id/tasks", .account(.issuesWrite) { context, principal in
                let workspace = principal.workspace
                let issue = try issue(context.parameters.require("id"), in: workspace)
                let body = try context.request.jsonObjectBody()
                let title = body.requiredString("title", length: 1...200)
                let status = Self.taskStatus(body, in: workspace).newValue ?? workspace.initialTaskStatus
                try body.finish()
                guard let task = try store.createTask(NewTask(title: title!, status: status), issue: issue.id,
                                                      in: workspace.id, at: context.now)
                else { throw HTTPError.notFound }
                return SupportRepresentations.created(task, SupportRepresentations.task)
            }),
            .get("/api/v1/issues/:id/tasks/:taskId", .account(.issuesRead) { context, principal in
                let issue = try issue(context.parameters.require("id"), in: principal.workspace)
                guard let task = try store.task(id: Self.id(context.parameters.require("taskId")), issue: issue.id,
                                                in: principal.workspace.id)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(task, SupportRepresentations.task)
            }),
            .patch("/api/v1/issues/:id/tasks/:taskId", .account(.issuesWrite) { context, principal in
                let workspace = principal.workspace
                let issue = try issue(context.parameters.require("id"), in: workspace)
                let id: TaskID = try Self.id(context.parameters.require("taskId"))
                let body = try context.request.jsonObjectBody()
                var update = TaskUpdate()
                update.title = body.patchRequiredString("title", length: 1...200)
                update.status = Self.taskStatus(body, in: workspace)
                switch body.optionalInt("position") {
                case .unchanged: break
                case .set(let position?) where (1...10_000).contains(position): update.position = .set(Int(position))
                case .set: body.fail("position", "must be a whole number from 1 to 10000")
                }
                try body.finish()
                guard let task = try store.updateTask(id: id, issue: issue.id, update, in: workspace.id, at: context.now)
                else { throw HTTPError.notFound }
                return SupportRepresentations.one(task, SupportRepresentations.task)
            }),
        ]
    }

    static func taskStatus(_ body: JSONObjectReader, in workspace: Workspace) -> Patch<String> {
        switch body.raw("status") {
        case nil: return .unchanged
        case .string(let key)? where workspace.taskStatuses.contains(where: { $0.key == key }): return .set(key)
        default:
            body.fail("status", "must be one of: \(workspace.taskStatuses.map(\.key).joined(separator: ", "))")
            return .unchanged
        }
    }
}
