"""How the project starts Debian's Chromium, for tests and `make audit` alike.

As root on a machine with no network: no sandbox, no GPU, and none of the background
connections (updates, sync, component downloads) that would be refused, many at a time.
"""

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
