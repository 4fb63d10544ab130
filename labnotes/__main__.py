from labnotes.cli import main

main()
