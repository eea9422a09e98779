"""The GIL is released while the library runs.

Deterministic, not timed: with a switch interval of 1,000 s the interpreter never takes the GIL
from a running thread, so the main thread, waiting for it, can only run while the worker is
inside the library if the library released it; then the worker has not finished yet.
"""

import sys
import threading

import fleetcap


def test_other_threads_run_while_a_sweep_runs():
    started = threading.Event()
    done = []

    def worker():
        started.set()
        fleetcap.sweep("training-grid", backend="cpu")  # tens of millions of points
        done.append(True)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        started.wait()  # returns once the worker lets go of the GIL
        finished_before_we_ran = bool(done)
        thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert done, "the sweep did not finish"
    assert not finished_before_we_ran, "the main thread only ran after the sweep: the GIL was held"
