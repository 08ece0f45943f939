"""``python -m kjdesk`` and the ``kjdesk`` entry point."""

import sys


def main() -> int:
    from kjdesk.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
