from destgraph.cli import main

main()
