"""Entry point: one spec in, one result line out, exit 0; a bad spec or a model that cannot start
says why on stderr and exits 1, so the harness reports the case as not measured."""

import sys

from . import protocol

if __name__ == "__main__":
    sys.exit(protocol.main())
