import Foundation
import Mustache

/// The HTML templates, loaded once at start-up. Mustache escapes every `{{value}}`
/// by default; no page ever builds HTML by string concatenation.
public struct Views: Sendable {
    private let library: MustacheLibrary

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
        var library = MustacheLibrary()
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
                let text = try String(contentsOf: file, encoding: .utf8)
                try library.register(text, named: name)
            } catch {
                throw LoadError(description: "template \(name): \(error)")
            }
        }
        return Views(library: library)
    }

    /// Renders a template with a context of dictionaries, arrays and scalars.
    /// Mustache treats an empty string as true and looks a missing key up in
    /// the enclosing contexts, so templates test `has…` booleans, never strings.
    public func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}

import HTTPTypes
public typealias HTTPStatus = HTTPResponse.Status
