import Foundation

/// The HTML templates, compiled once at start-up (see `Template` and
/// `TemplateProgram`). Every `{{value}}` is escaped; no page builds HTML by
/// string concatenation.
public struct Views: Sendable {
    private let program: TemplateProgram

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads every `.mustache` file of the bundled `Templates` folder.
    public static func bundled() throws(LoadError) -> Views {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw LoadError(description: "the Templates folder is missing from the PortalKit resource bundle")
        }
        return try load(directory: directory)
    }

    public static func load(directory: URL) throws(LoadError) -> Views {
        var templates: [String: Template] = [:]
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "mustache" }
        } catch {
            throw LoadError(description: "cannot read templates in \(directory.path): \(error)")
        }
        for file in files {
            let name = file.deletingPathExtension().lastPathComponent
            do {
                templates[name] = try Template(parsing: try String(contentsOf: file, encoding: .utf8))
            } catch {
                throw LoadError(description: "template \(name): \(error)")
            }
        }
        return Views(templates: templates)
    }

    public init(templates: [String: Template]) {
        program = TemplateProgram(templates)
    }

    /// Renders a template with a context of dictionaries, arrays and scalars.
    /// Templates test `has…` booleans rather than strings: a missing key is
    /// looked up in the enclosing contexts, as Mustache does. Keys are names
    /// written in code, never data (a long one is numbered for the life of
    /// the process: see `TemplateName`).
    public func render(_ template: String, _ context: [String: Any]) -> [UInt8] {
        render(template, TemplateObject(context))
    }

    /// The same with a context of template values, as the portal's pages build
    /// them: no `Any` to convert, no name hashed.
    func render(_ template: String, _ context: TemplateObject) -> [UInt8] {
        Array(renderBody(template, context))
    }

    /// The same, as an answer's body: the page is handed over, not copied.
    func renderBody(_ template: String, _ context: TemplateObject) -> ResponseBody {
        var renderer = TemplateRenderer(program: program)
        renderer.render(template, context: context)
        return ResponseBody(renderer.finish())
    }

    public func renderString(_ template: String, _ context: [String: Any]) -> String {
        String(decoding: render(template, context), as: UTF8.self)
    }
}

import HTTPTypes
public typealias HTTPStatus = HTTPResponse.Status
