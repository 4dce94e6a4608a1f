"""Progress on the terminal: the one TaskContext of the command line (tqdm bars on stderr).

A bar belongs to a phase (:class:`~semvec_studio.core.tasks.Progress`): a new phase starts a new
bar, counted in the phase's own unit, so rates and ETA are per phase. A *sticky* phase (training)
keeps its bar while the short phases inside it (an evaluation) run; they show in its postfix.
Ctrl-C: by default it interrupts at once (KeyboardInterrupt, exit 130, nothing written); with
``graceful=True`` the first Ctrl-C asks the job to stop after the current step (it saves what it
can) and a second one interrupts at once.
"""

from __future__ import annotations

import signal
import sys

from tqdm import tqdm

from semvec_studio.core.tasks import CancelToken, Event, Progress, TaskContext


class TqdmContext(TaskContext):
    """Draws a tqdm bar on stderr (nothing with ``quiet``); see the module doc."""

    def __init__(self, quiet: bool = False, *, sticky: tuple[str, ...] = (), graceful: bool = False,
                 stop_message: str = "") -> None:
        super().__init__(CancelToken())
        self.quiet = quiet
        self.sticky = sticky
        self.graceful = graceful
        self.stop_message = stop_message
        self.bar: tqdm | None = None
        self.reached: dict[str, float] = {}  # phase -> the last ``done`` reported (quiet or not)
        self.phase: str | None = None
        self.total: float | None = None
        self._old_handler = None

    # --- TaskContext -------------------------------------------------------------------------

    def on_progress(self, p: Progress) -> None:
        self.reached[p.phase] = p.done
        if self.quiet or p.total is None:  # a phase of unknown length (reading, loading) draws no bar
            return
        if self.phase in self.sticky and p.phase not in self.sticky:
            self.bar.set_postfix_str(f"{p.phase} {p.done:,.0f}/{p.total:,.0f}" if p.total else p.phase, refresh=False)
            return
        if self.bar is None or p.phase != self.phase or p.total != self.total:
            self._new_bar(p)
        desc = p.label()
        if desc != self.bar.desc:
            self.bar.set_description_str(desc, refresh=False)
        if p.phase in self.sticky and self.bar.postfix:
            self.bar.set_postfix_str("", refresh=False)
        self.bar.update(p.done - self.bar.n)

    def on_event(self, event: Event) -> None:
        if self.bar is not None and event.kind == "step" and not self.quiet:
            self.bar.set_postfix(loss=f"{event['loss']:.4f}", lr=f"{event['lr']:.2e}", refresh=False)

    def on_log(self, msg: str) -> None:
        if not self.quiet:
            (self.bar.write if self.bar else print)(f"semvec: {msg}", file=sys.stderr)

    # --- bars and signals ----------------------------------------------------------------------

    def _new_bar(self, p: Progress) -> None:
        if self.bar is not None:
            self.bar.close()
        counted = p.total is not None or p.unit
        total = int(p.total) if p.total is not None and float(p.total).is_integer() else p.total
        self.bar = tqdm(total=total, unit=p.unit or "it", file=sys.stderr, desc=p.label(), dynamic_ncols=True, leave=False,
                        bar_format=None if counted else "{desc}…")
        self.phase, self.total = p.phase, p.total

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self._old_handler is not None:
            signal.signal(signal.SIGINT, self._old_handler)
            self._old_handler = None

    def __enter__(self) -> TqdmContext:
        if self.graceful:
            try:
                self._old_handler = signal.signal(signal.SIGINT, self._on_sigint)
            except ValueError:  # not the main thread: Ctrl-C interrupts at once
                self._old_handler = None
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _on_sigint(self, signum, frame) -> None:
        if self.token.cancelled:
            raise KeyboardInterrupt
        self.token.cancel()
        print(f"\nsemvec: {self.stop_message or 'stopping'}; press Ctrl-C again to stop at once.", file=sys.stderr)
