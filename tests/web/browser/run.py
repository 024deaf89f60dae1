#!/usr/bin/env python3
"""Runs the browser journeys (journeys.py) against the built binaries, as the `browser_journeys` CTest test does:

    python3 tests/web/browser/run.py --bin BUILD_DIR [--source SOURCE_DIR] [-k PATTERN] [--keep]

Starts a station (the real `tongdang`: init, users with passwords, the 王集 ledger), `tongdang serve` on a free
loopback port, and the browsers; stops everything afterwards, whatever happened. Exit 0 only when every journey
passed; a missing chromium/chromedriver/selenium fails (exit 2) with the line that installs them.
"""

import argparse
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)

import harness  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the build directory holding tongdang and tongdang-server")
    parser.add_argument("--source", default=os.path.normpath(os.path.join(here, "..", "..", "..")))
    parser.add_argument("-k", dest="patterns", action="append", help="only journeys whose name contains this")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (databases, logs)")
    args = parser.parse_args()

    try:
        world = harness.World(os.path.abspath(args.bin), os.path.abspath(args.source), keep=args.keep)
    except harness.Missing as missing:
        print(missing, file=sys.stderr)
        return 2
    try:
        world.make_station()
        import journeys  # after the check: it imports selenium
        journeys.world = world
        journeys.base_url = world.serve()
        loader = unittest.TestLoader()
        if args.patterns:
            loader.testNamePatterns = [f"*{p}*" for p in args.patterns]
        suite = loader.loadTestsFromModule(journeys)
        if suite.countTestCases() == 0:
            print("no journey matches", file=sys.stderr)
            return 1
        result = unittest.TextTestRunner(verbosity=2).run(suite)
        if not result.wasSuccessful():
            print(world.log_tails(), file=sys.stderr)
            if args.keep:
                print(f"scratch folder kept: {world.dir}", file=sys.stderr)
        return 0 if result.wasSuccessful() else 1
    finally:
        world.close()


if __name__ == "__main__":
    sys.exit(main())
