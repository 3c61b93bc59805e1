from hcportal.cli import main

main()
