/// The sign-in emails, plain text and HTML (rendered by the template engine,
/// so the portal name is escaped like everywhere else).
enum SignInMail {
    static func customer(to email: EmailAddress, code: String, link: String, settings: PortalSettings, pages: PageRenderer) -> NewMail {
        let text = """
            Your sign-in code for \(settings.name) is \(code).

            Or sign in with this link:
            \(link)

            The code and the link work once and expire in 10 minutes. If you did not ask to sign in, ignore this email.
            """
        let html = pages.views.renderString("mail-sign-in", [
            "name": settings.name, "code": code, "link": link, "accent": AccentColor(settings.accentColor)?.hex ?? "#4f46e5",
        ])
        return NewMail(to: email, fromName: settings.name, subject: "Your sign-in code for \(settings.name): \(code)",
                       textBody: text, htmlBody: html)
    }

    static func `operator`(to email: EmailAddress, code: String, link: String, pages: PageRenderer) -> NewMail {
        let text = """
            Your Woes sign-in code is \(code).

            Or sign in with this link:
            \(link)

            The code and the link work once and expire in 10 minutes. If you did not ask to sign in, ignore this email.
            """
        let html = pages.views.renderString("mail-sign-in", ["name": "Woes", "code": code, "link": link, "accent": "#4338ca"])
        return NewMail(to: email, fromName: "Woes", subject: "Your Woes sign-in code: \(code)", textBody: text, htmlBody: html)
    }
}
