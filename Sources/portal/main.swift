// The admin command-line tool. Commands live in Commands/.
PortalCommand.main()
