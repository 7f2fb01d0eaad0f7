"""Load WeasyPrint's C libraries without the slow search.

WeasyPrint tries several names per library (gobject, pango, harfbuzz, fontconfig …);
each name that is not a file makes cffi call ctypes.util.find_library, which on Linux
runs `ldconfig -p` and gcc in subprocesses: about 0.3 s of every cold start. While
WeasyPrint imports, we answer find_library from the system's library folders directly,
then put the standard function back.
"""

import ctypes.util
import glob
import os
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager


def _library_dirs() -> list[str]:
    arch = sysconfig.get_config_var("MULTIARCH") or ""
    candidates = [f"/usr/lib/{arch}", f"/lib/{arch}"] if arch else []
    return [
        d
        for d in (*candidates, "/usr/local/lib", "/usr/lib64", "/usr/lib", "/lib64", "/lib")
        if os.path.isdir(d)
    ]


@contextmanager
def quick_library_lookup() -> Iterator[None]:
    dirs = _library_dirs()
    standard = ctypes.util.find_library
    if not dirs or not sys.platform.startswith("linux"):  # elsewhere keep the standard search
        yield
        return

    def find_library(name: str) -> str | None:
        for folder in dirs:
            found = sorted(glob.glob(os.path.join(folder, f"lib{glob.escape(name)}.so.*")))
            if found:
                return os.path.basename(found[0])
        # WeasyPrint also lists each library's soname (libpango-1.0.so.0), which dlopen
        # resolves through ld.so.cache, the same cache find_library reads: nothing is lost.
        return None

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = standard
