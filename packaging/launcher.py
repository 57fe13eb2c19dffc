"""Entry point of the frozen app (PyInstaller): the same `main` as the `bisq-redactor` console script."""

import multiprocessing
import sys

from redactor.cli import main

if __name__ == "__main__":
    # A frozen app re-runs this file for every worker process; freeze_support hands those to multiprocessing.
    multiprocessing.freeze_support()
    sys.exit(main())
