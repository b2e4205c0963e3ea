"""Headless Chromium as the browser tests and the benchmark start it (Debian's
``chromium`` package, driven by playwright; ``scripts/install-browser``)."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google's
# services at start; the page itself must make no request at all.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
