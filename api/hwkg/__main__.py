from hwkg.cli.main import entry

entry()
