"""memory.release: freed small blocks go back to the system."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from analysis.core import memory


def test_release_says_whether_the_c_library_trims():
    assert memory.release() is (memory._malloc_trim() is not None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux")
def test_freed_texts_leave_resident_memory_only_after_release():
    """200,000 texts of 1 kB freed among a few kept ones: glibc keeps the heap's pages until
    asked (the runner after reading a corpus), then hands them back."""
    script = textwrap.dedent(
        """
        import gc, psutil
        from analysis.core import memory
        process = psutil.Process()
        kept, texts = [], []
        for i in range(200_000):
            texts.append("x" * 1000 + str(i))
            if i % 100 == 0:
                kept.append("y" * 1000 + str(i))
        del texts
        gc.collect()
        freed = process.memory_info().rss
        memory.release()
        print(freed, process.memory_info().rss)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    freed, released = map(int, out.stdout.split())
    assert freed > 150e6  # the freed texts still resident
    assert released < freed - 150e6
