import Testing
@testable import PortalKit

@Suite("A list page's links keep its filter, search and cursor, encoded")
struct PortalLinksTests {
    @Test("on the portal: the home path with the parameters given, in order, each value percent-encoded")
    func portalListLinks() {
        #expect(PortalLinks.portal.list(status: nil, search: nil, cursor: nil) == "/")
        #expect(PortalLinks.portal.list(status: "Open", search: nil, cursor: nil) == "/?status=Open")
        #expect(PortalLinks.portal.list(status: nil, search: "a b&c", cursor: "abc_-9") == "/?q=a%20b%26c&cursor=abc_-9")
        #expect(PortalLinks.portal.list(status: "Waiting on you", search: "é", cursor: "c")
                == "/?status=Waiting%20on%20you&q=%C3%A9&cursor=c")
    }

    @Test("in the preview: the preview's own link, then the same parameters")
    func previewListLinks() {
        let preview = PortalLinks.preview(customer: "ada@example.com")
        #expect(preview.list(status: nil, search: nil, cursor: nil) == "/clients/portal?customer=ada%40example.com")
        #expect(preview.list(status: "Open", search: nil, cursor: "x") == "/clients/portal?customer=ada%40example.com&status=Open&cursor=x")
    }
}
