"""Drive a real terminal program in a pseudo-terminal.

The child's output is read continuously (one thread, so the child never blocks
on a full pty buffer) and fed to a ``pyte`` terminal emulator (a second
thread), so a benchmark can ask "does the rendered screen show X now?" and get
the moment it first did.  A third thread samples the resident memory of the
child and of all its descendants.

All times are ``time.perf_counter()`` seconds relative to ``start``, which is
taken just before the child is spawned.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import psutil
import pyte

KEY_TAB = "\t"
KEY_ENTER = "\r"
KEY_DOWN = "\x1b[B"
KEY_UP = "\x1b[A"
KEY_CTRL_Q = "\x11"

_READ_SIZE = 65536


class MarkerNotFound(TimeoutError):
    """A marker did not show up on the rendered screen in time (or the program died)."""

    def __init__(self, message: str, screen: str) -> None:
        super().__init__(f"{message}\n--- last rendered screen ---\n{screen}\n---")
        self.screen = screen


@dataclass
class Marker:
    """When (seconds since start) a text first appeared, and the bytes read by then."""

    text: str
    seconds: float
    bytes_at: int


@dataclass
class Expectation:
    """A condition on the rendered screen (``PtyDriver.expect``): when it first held."""

    predicate: Callable[[str], bool]
    seconds: float | None = None
    """Seconds since start of the chunk of output that made it hold (None: not yet)."""


@dataclass
class ProcPeak:
    """Peak resident memory seen for one process of the tree."""

    pid: int
    cmdline: str
    is_root: bool
    rss_sampled: int = 0
    vm_hwm: int = 0

    @property
    def peak(self) -> int:
        return max(self.rss_sampled, self.vm_hwm)

    def as_dict(self) -> dict[str, object]:
        return {
            "pid": self.pid,
            "cmdline": self.cmdline,
            "is_root": self.is_root,
            "rss_sampled": self.rss_sampled,
            "vm_hwm": self.vm_hwm,
            "peak": self.peak,
        }


@dataclass
class _Tracked:
    proc: psutil.Process
    peak: ProcPeak
    gone: bool = field(default=False)


def _read_vm_hwm(pid: int) -> int:
    """Peak RSS ("high water mark") from /proc, in bytes; 0 when unavailable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _set_controlling_tty() -> None:  # runs in the child, after setsid()
    with contextlib.suppress(OSError):
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyDriver:
    """Run ``argv`` in a pty of ``cols`` x ``rows`` and watch its rendered screen."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        cols: int = 80,
        rows: int = 24,
        sample_interval: float = 0.02,
        term: str = "xterm-256color",
        record: bool = False,
    ) -> None:
        """``record``: keep every byte the program writes (``output()``), e.g. to check
        which escape sequences it sends."""
        self.argv = list(argv)
        self.cols = cols
        self.rows = rows
        self._sample_interval = sample_interval

        child_env = dict(os.environ if env is None else env)
        child_env.update(TERM=term, COLUMNS=str(cols), LINES=str(rows))

        self._screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._cond = threading.Condition()  # guards screen, markers, counters
        self._watched: set[str] = set()
        self._markers: dict[str, Marker] = {}
        self._expectations: list[Expectation] = []
        self._bytes_read = 0
        self._raw: bytearray | None = bytearray() if record else None
        self._eof = False
        self._parsed_all = False
        self._chunks: queue.Queue[tuple[float, int, bytes] | None] = queue.Queue()
        self._tracked: dict[int, _Tracked] = {}
        self._mem_lock = threading.Lock()
        self._stop = threading.Event()
        self.exited_cleanly: bool | None = None

        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self._master = master
        self.start = time.perf_counter()
        try:
            self.proc = subprocess.Popen(
                self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=child_env,
                cwd=cwd,
                start_new_session=True,  # setsid(): own session and process group
                preexec_fn=_set_controlling_tty,
                close_fds=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.pid = self.proc.pid
        try:
            root = psutil.Process(self.pid)
            self._track(root, is_root=True)
        except psutil.Error:
            pass

        self._threads = [
            threading.Thread(target=self._reader, name="pty-reader", daemon=True),
            threading.Thread(target=self._parser, name="pty-parser", daemon=True),
            threading.Thread(target=self._sampler, name="mem-sampler", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    # ------------------------------------------------------------------ output
    def _reader(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self._master], [], [], 0.1)
                if not ready:
                    if self._stop.is_set():
                        data = b""
                    else:
                        continue
                else:
                    data = os.read(self._master, _READ_SIZE)
            except OSError:  # EIO: every slave fd is closed (the child exited)
                data = b""
            now = time.perf_counter()
            if not data:
                with self._cond:
                    self._eof = True
                    self._cond.notify_all()
                self._chunks.put(None)
                return
            with self._cond:
                self._bytes_read += len(data)
                total = self._bytes_read
                if self._raw is not None:
                    self._raw += data
            self._chunks.put((now - self.start, total, data))

    def _parser(self) -> None:
        while True:
            item = self._chunks.get()
            with self._cond:
                if item is None:
                    self._parsed_all = True
                    self._cond.notify_all()
                    return
                seconds, total, data = item
                self._stream.feed(data)
                pending = self._watched - self._markers.keys()
                if pending or self._expectations:
                    text = self._display()
                    for marker in pending:
                        if marker in text:
                            self._markers[marker] = Marker(marker, seconds, total)
                    for expectation in self._expectations:
                        if expectation.predicate(text):
                            expectation.seconds = seconds
                    self._expectations = [e for e in self._expectations if e.seconds is None]
                self._cond.notify_all()

    def _display(self) -> str:
        return "\n".join(line.rstrip() for line in self._screen.display)

    def screen_text(self) -> str:
        """The rendered screen now, one line per row (trailing blanks stripped)."""
        with self._cond:
            return self._display()

    def elapsed(self) -> float:
        """Seconds since the spawn."""
        return time.perf_counter() - self.start

    @property
    def bytes_written(self) -> int:
        """Total bytes the program has written to the terminal so far."""
        with self._cond:
            return self._bytes_read

    def output(self, since: int = 0) -> bytes:
        """What the program wrote from byte ``since`` on (a ``mark()``); needs ``record``."""
        if self._raw is None:
            raise RuntimeError("start the driver with record=True to keep its output")
        with self._cond:
            return bytes(self._raw[since:])

    def mark(self) -> int:
        """An opaque mark to pass to ``bytes_since``."""
        return self.bytes_written

    def bytes_since(self, mark: int) -> int:
        return self.bytes_written - mark

    def watch(self, *texts: str) -> None:
        """Start watching for ``texts`` (``wait_for`` does this implicitly).

        A text that is already on screen is recorded as appearing now.
        """
        with self._cond:
            now = self.elapsed()
            text = self._display()
            for marker in texts:
                if marker in self._watched:
                    continue
                self._watched.add(marker)
                if marker in text:
                    self._markers[marker] = Marker(marker, now, self._bytes_read)

    def marker(self, text: str) -> Marker | None:
        with self._cond:
            return self._markers.get(text)

    def wait_for(self, text: str, timeout: float) -> float:
        """Wait until ``text`` is on the rendered screen; seconds since start when it
        first appeared.  Raises ``MarkerNotFound`` (a ``TimeoutError``) with the last
        screen when it does not appear within ``timeout`` or the program ends first.
        """
        self.watch(text)
        deadline = time.perf_counter() + timeout
        with self._cond:
            while True:
                found = self._markers.get(text)
                if found is not None:
                    return found.seconds
                if self._parsed_all:
                    code = self.proc.poll()
                    raise MarkerNotFound(
                        f"{text!r} never appeared: the program closed the terminal "
                        f"(exit code {code}) after {self.elapsed():.2f}s",
                        self._display(),
                    )
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise MarkerNotFound(
                        f"{text!r} did not appear within {timeout:.1f}s", self._display()
                    )
                self._cond.wait(min(left, 0.1))

    def expect(self, predicate: Callable[[str], bool]) -> Expectation:
        """Watch the rendered screen for ``predicate(screen_text)`` to hold, from now on.

        Unlike a marker (recorded once for the whole run), each expectation is new: the
        same text can be timed again and again. It is checked against the screen as it
        is now (``seconds`` set at once when it already holds: a stale screen; a bench
        checks that before sending the key it times) and then after every chunk of output.
        """
        expectation = Expectation(predicate)
        with self._cond:
            if predicate(self._display()):
                expectation.seconds = self.elapsed()
            else:
                self._expectations.append(expectation)
        return expectation

    def wait_expected(self, expectation: Expectation, timeout: float, what: str) -> float:
        """Wait until ``expectation`` holds; seconds since start of the output that made
        it hold. Raises ``MarkerNotFound`` (naming ``what``) like ``wait_for``."""
        deadline = time.perf_counter() + timeout
        with self._cond:
            while expectation.seconds is None:
                if self._parsed_all:
                    raise MarkerNotFound(
                        f"{what} never showed: the program closed the terminal "
                        f"(exit code {self.proc.poll()}) after {self.elapsed():.2f}s",
                        self._display(),
                    )
                left = deadline - time.perf_counter()
                if left <= 0:
                    with contextlib.suppress(ValueError):
                        self._expectations.remove(expectation)
                    raise MarkerNotFound(
                        f"{what} did not show within {timeout:.1f}s", self._display()
                    )
                self._cond.wait(min(left, 0.1))
            return expectation.seconds

    def wait_idle(self, idle: float, timeout: float) -> bool:
        """Wait until no output for ``idle`` seconds; False if that never happened."""
        deadline = time.perf_counter() + timeout
        last = self.bytes_written
        quiet_since = time.perf_counter()
        while time.perf_counter() < deadline:
            time.sleep(min(0.01, idle))
            now_bytes = self.bytes_written
            if now_bytes != last:
                last, quiet_since = now_bytes, time.perf_counter()
            elif time.perf_counter() - quiet_since >= idle:
                return True
        return False

    # ------------------------------------------------------------------- input
    def send(self, keys: str | bytes) -> None:
        """Write keys to the terminal, e.g. ``"tech"``, ``KEY_TAB``, ``KEY_DOWN``."""
        data = keys.encode() if isinstance(keys, str) else keys
        while data:
            written = os.write(self._master, data)
            data = data[written:]

    # ------------------------------------------------------------------ memory
    def _track(self, proc: psutil.Process, *, is_root: bool = False) -> None:
        if proc.pid in self._tracked:
            return
        try:
            cmdline = " ".join(proc.cmdline()) or proc.name()
        except psutil.Error:
            cmdline = "?"
        self._tracked[proc.pid] = _Tracked(proc, ProcPeak(proc.pid, cmdline, is_root))

    def _refresh_tree(self) -> None:
        root = self._tracked.get(self.pid)
        if root is None or root.gone:
            return
        try:
            children = root.proc.children(recursive=True)
        except psutil.Error:
            return
        for child in children:
            self._track(child)

    def _sample_once(self, *, with_hwm: bool = False) -> None:
        for item in self._tracked.values():
            if item.gone:
                continue
            try:
                rss = item.proc.memory_info().rss
            except psutil.Error:
                item.gone = True
                continue
            item.peak.rss_sampled = max(item.peak.rss_sampled, rss)
            if with_hwm:
                item.peak.vm_hwm = max(item.peak.vm_hwm, _read_vm_hwm(item.proc.pid))

    def _sampler(self) -> None:
        tick = 0
        while not self._stop.is_set():
            with self._mem_lock:
                if tick % 5 == 0:  # listing children scans /proc: do it every ~100 ms
                    self._refresh_tree()
                self._sample_once()
            tick += 1
            self._stop.wait(self._sample_interval)

    def snapshot_memory(self) -> None:
        """Find new descendants and read their VmHWM now (while they still exist)."""
        with self._mem_lock:
            self._refresh_tree()
            self._sample_once(with_hwm=True)

    def memory_peaks(self) -> list[ProcPeak]:
        """Peak RSS per process: the spawned process first, then its descendants."""
        with self._mem_lock:
            peaks = [item.peak for item in self._tracked.values()]
        return sorted(peaks, key=lambda p: (not p.is_root, p.pid))

    # --------------------------------------------------------------- shutdown
    def _alive_tracked(self) -> list[psutil.Process]:
        alive = []
        for item in self._tracked.values():
            try:
                if item.proc.is_running() and item.proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(item.proc)
            except psutil.Error:
                pass
        return alive

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(OSError):
            os.killpg(self.pid, sig)  # setsid() made the child its group leader

    def terminate(self, quit_keys: str = KEY_CTRL_Q, grace: float = 3.0) -> bool:
        """Quit with ``quit_keys`` (ctrl+q), then kill whatever is left of the tree.

        Returns True when the program and all its descendants ended by themselves
        within ``grace`` seconds.
        """
        if self._stop.is_set():
            return bool(self.exited_cleanly)
        self.snapshot_memory()
        with contextlib.suppress(OSError):
            self.send(quit_keys)
        deadline = time.perf_counter() + grace
        with self._mem_lock:
            while time.perf_counter() < deadline:
                if self.proc.poll() is not None and not self._alive_tracked():
                    break
                time.sleep(0.02)
            clean = self.proc.poll() is not None and not self._alive_tracked()
            if not clean:
                self._signal_group(signal.SIGTERM)
                leftovers = self._alive_tracked()
                for proc in leftovers:
                    with contextlib.suppress(psutil.Error):
                        proc.terminate()
                _, leftovers = psutil.wait_procs(leftovers, timeout=1.0)
                self._signal_group(signal.SIGKILL)
                for proc in leftovers:
                    with contextlib.suppress(psutil.Error):
                        proc.kill()
                psutil.wait_procs(leftovers, timeout=1.0)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=2.0)
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2.0)
        with contextlib.suppress(OSError):
            os.close(self._master)
        self.exited_cleanly = clean
        return clean

    def __enter__(self) -> PtyDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.terminate()
