/// The sign-in emails, plain text and HTML (rendered by the template engine,
/// so the portal name is escaped like everywhere else).
enum SignInMail {
    static func customer(to email: EmailAddress, code: String, link: String, settings: PortalSettings, pages: PageRenderer) -> NewMail {
        mail(to: email, sender: settings.name, opening: "Your sign-in code for \(settings.name) is \(code).",
             subject: "Your sign-in code for \(settings.name): \(code)", code: code, link: link,
             accent: AccentColor(settings.accentColor)?.hex ?? "#4f46e5", pages: pages)
    }

    static func `operator`(to email: EmailAddress, code: String, link: String, pages: PageRenderer) -> NewMail {
        mail(to: email, sender: "Woes", opening: "Your Woes sign-in code is \(code).", subject: "Your Woes sign-in code: \(code)",
             code: code, link: link, accent: "#4338ca", pages: pages)
    }

    private static func mail(to email: EmailAddress, sender: String, opening: String, subject: String, code: String, link: String,
                             accent: String, pages: PageRenderer) -> NewMail {
        let text = """
            \(opening)

            Or sign in with this link:
            \(link)

            The code and the link work once and expire in 10 minutes. If you did not ask to sign in, ignore this email.
            """
        let html = pages.views.renderString("mail-sign-in", ["name": sender, "code": code, "link": link, "accent": accent])
        return NewMail(to: email, fromName: sender, subject: subject, textBody: text, htmlBody: html)
    }
}
