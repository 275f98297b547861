from scomm.cli import main

main()
