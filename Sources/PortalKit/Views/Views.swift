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
    /// Empty strings are removed first: Mustache treats "" as true, and every
    /// `{{#notice}}…{{/notice}}` would otherwise show an empty box.
    public func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(Self.withoutEmptyStrings(context), withTemplate: template) ?? ""
    }

    static func withoutEmptyStrings(_ dictionary: [String: Any]) -> [String: Any] {
        var result: [String: Any] = [:]
        result.reserveCapacity(dictionary.count)
        for (key, value) in dictionary {
            if let pruned = withoutEmptyStrings(value) { result[key] = pruned }
        }
        return result
    }

    private static func withoutEmptyStrings(_ value: Any) -> Any? {
        switch value {
        case let string as String: return string.isEmpty ? nil : string
        case let dictionary as [String: Any]: return withoutEmptyStrings(dictionary)
        case let array as [[String: Any]]: return array.map { withoutEmptyStrings($0) }
        case let array as [Any]: return array.compactMap { withoutEmptyStrings($0) }
        default: return value
        }
    }

}

import HTTPTypes
public typealias HTTPStatus = HTTPResponse.Status
