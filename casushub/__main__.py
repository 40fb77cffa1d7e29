from casushub.cli import main

main()
