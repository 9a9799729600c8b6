"""Entry point: ``python -m specdiff_core --help``."""

import sys

if __name__ == "__main__":
    try:
        from .cli import main
    except KeyboardInterrupt:  # Ctrl-C while the imports load: no traceback either
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(main())
