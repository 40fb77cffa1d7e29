from casushub.platform.cli import main

main()
