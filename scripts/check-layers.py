#!/usr/bin/env python3
"""Keeps the layers one-way: every #include "core/…", "sync/…" or "web/…" must reach a layer the including file's layer may
use (the table below, which core/README.md and sync/README.md explain). Run by CTest as the "layers" test; prints
every include that goes the wrong way and exits 1 if there is one."""
import os
import re
import sys

# layer -> the layers it may include (besides itself). Lower layers never name upper ones: they offer an interface
# that the upper layer registers (core/store/projection_registry.h).
ALLOWED = {
    'core/base': set(),
    'core/db': {'core/base'},
    'core/model': {'core/base', 'core/db'},
    'core/access': {'core/base', 'core/model'},
    'core/rules': {'core/base', 'core/model'},
    'core/store': {'core/base', 'core/db', 'core/model', 'core/access'},
    'core/projection': {'core/base', 'core/db', 'core/model', 'core/rules', 'core/store'},
    'core/workflow': {'core/base', 'core/db', 'core/model', 'core/access', 'core/rules', 'core/store',
                      'core/projection'},
    'core/report': {'core/base', 'core/db', 'core/model', 'core/rules', 'core/store', 'core/projection'},
    'core/ledger': {'core/base', 'core/db', 'core/model', 'core/access', 'core/rules', 'core/store',
                    'core/workflow'},
}
CORE = set(ALLOWED)
ALLOWED.update({
    'sync/protocol': CORE,
    'sync/station': CORE | {'sync/protocol'},
    'sync/server': CORE | {'sync/protocol'},
    'sync/server/sqlite': CORE | {'sync/protocol', 'sync/server'},
    # The web pages: the HTTP-neutral base (requests, the escaping HTML writer, forms, the listener), then the
    # station's pages, which call the same use cases as the CLI.
    'web/base': CORE,
    'web/station': CORE | {'sync/protocol', 'sync/station', 'web/base'},
    # The county's console: its pages over the central store, carried by the county server's listener.
    'web/county': CORE | {'sync/protocol', 'sync/server', 'web/base'},
    # The station program links no server code; the server program no station client.
    'cli/tongdang': CORE | {'sync/protocol', 'sync/station', 'web/base', 'web/station'},
    'cli/server': CORE | {'sync/protocol', 'sync/server', 'sync/server/sqlite', 'web/base', 'web/county'},
    'cli': CORE | {'sync/protocol'},  # what both programs share (cli/terminal_text.h)
})
INCLUDE = re.compile(r'^\s*#\s*include\s+"((?:core|sync|web)/[^"]+)"', re.M)


def layer_of(path):
    parts = path.split('/')
    for depth in (3, 2, 1):
        candidate = '/'.join(parts[:depth])
        if candidate in ALLOWED and len(parts) > depth:
            return candidate
    return None


def main(root):
    wrong = []
    scanned = 0
    for top in ('core', 'sync', 'web', 'cli'):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if not name.endswith(('.h', '.cc', '.cc.in')):
                    continue
                scanned += 1
                path = os.path.relpath(os.path.join(folder, name), root)
                own = layer_of(path)
                if own is None:
                    wrong.append(f'{path}: not in any layer of scripts/check-layers.py')
                    continue
                text = open(os.path.join(root, path), encoding='utf-8').read()
                for target in INCLUDE.findall(text):
                    to = layer_of(target)
                    if to is None:
                        wrong.append(f'{path}: includes "{target}", which is in no layer')
                    elif to != own and to not in ALLOWED[own]:
                        wrong.append(f'{path} ({own}) includes "{target}" ({to})')
    if scanned < 50:
        wrong.append(f'only {scanned} source files under {root}: not the source tree')
    for line in wrong:
        print(line)
    print(f'{len(wrong)} include(s) against the layers' if wrong else 'layers: every include goes downwards')
    return 1 if wrong else 0


def self_test():
    """The check itself can fail: a copy of the tree with one upward include must be refused."""
    import shutil
    import tempfile
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    with tempfile.TemporaryDirectory() as scratch:
        for top in ('core', 'sync', 'web', 'cli'):
            shutil.copytree(os.path.join(here, top), os.path.join(scratch, top))
        if main(scratch) != 0:
            return 1
        with open(os.path.join(scratch, 'core', 'base', 'date.cc'), 'a', encoding='utf-8') as out:
            out.write('\n#include "core/report/report.h"\n')
        print('-- with core/base/date.cc including core/report/report.h:')
        return 0 if main(scratch) == 1 else 1


if __name__ == '__main__':
    if sys.argv[1:] == ['--self-test']:
        sys.exit(self_test())
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')))
