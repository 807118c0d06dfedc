/// The branding parts of the settings as JSON, written the same way in the
/// settings document and in the portal's public config.
extension PortalSettings {
    func writeHeaderLinks(into json: inout JSONWriter) {
        json.key("headerLinks")
        json.array { json in for link in headerLinks { link.write(into: &json) } }
    }

    func writeFooterSections(into json: inout JSONWriter) {
        json.key("footerSections")
        json.array { json in
            for section in footerSections {
                json.object { json in
                    json.field("title", section.title)
                    json.key("links")
                    json.array { json in for link in section.links { link.write(into: &json) } }
                }
            }
        }
    }
}

extension PortalLink {
    func write(into json: inout JSONWriter) {
        json.object { json in
            json.field("label", label)
            json.field("url", url)
        }
    }
}
