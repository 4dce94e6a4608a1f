"""The Qt binding itself: PySide6 6.12.0 decremented a reference count on every signal delivered
to a Python slot, so a long session (a training run's timer, progress signals) aborted with
"Fatal Python error: bool_dealloc" on Python 3.11. pyproject.toml keeps that release out; this
test fails on any binding with the same fault."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication([])
class Emitter(QObject):
    number = Signal(int)
    thing = Signal(object)
e = Emitter()
def slot(*args):
    pass
e.number.connect(slot)
e.thing.connect(slot)
before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
for i in range(20000):
    e.number.emit(i)
    e.thing.emit(None)
after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
print("drift", [a - b for a, b in zip(after, before)])
"""


def test_signals_to_python_slots_keep_reference_counts():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"the Qt binding crashed delivering signals: {proc.stderr[-500:]}"
    drift = eval(proc.stdout.split("drift", 1)[1])  # noqa: S307 - our own printed list
    assert all(abs(d) < 100 for d in drift), f"reference counts drift per signal: {drift}"
