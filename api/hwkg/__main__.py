import sys

from hwkg.cli.main import main

sys.exit(main())
