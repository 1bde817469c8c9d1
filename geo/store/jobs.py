"""Long work off the request path: one background worker per server runs jobs (ingests,
re-processing) one at a time, in the order submitted.

With ``JobQueue(process=True)`` (the dashboard's) a job runs in a worker *process* at low
priority: the document model holds Python's GIL while it reads, and in a thread of the server
it would stall every session's page view. A job is then a module-level function and
picklable arguments (``submit(title, fn, *args)``; ``fn(context, *args)``); the worker process
is started once and keeps its loaded models between jobs.

A page submits a job and returns at once; any session can poll it by id and see its progress
and queue position, and its outcome stays readable after the page that started it was left
(Streamlit stops a page's script when the user navigates away; a job is not a script run).
Cancelling a job stops it at its next check; what it stored before stays stored.

Example:
    >>> queue = JobQueue()
    >>> job = queue.submit("add two numbers", lambda ctx, a, b: a + b, 1, 1)
    >>> queue.wait(job, timeout=5).result
    2
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import multiprocessing as mp
import os
import sys
import threading
import time
import traceback
import types
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Protocol

STATES = ("queued", "running", "done", "failed", "cancelled")
KEEP_FINISHED = 200  # finished jobs remembered for polling; older ones are forgotten
WORKER_NICENESS = 15


@dataclasses.dataclass(frozen=True)
class JobStatus:
    """A job as a page shows it: a snapshot, safe to read from any thread."""

    id: str
    title: str
    state: str  # one of STATES
    done: int
    total: int
    label: str  # what the job is working on now
    position: int  # jobs ahead of it in the queue (0 when running or finished)
    result: Any
    error: str
    submitted: float
    finished: float | None

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")


class JobLike(Protocol):
    """What a job function is given (:class:`JobContext`, or its twin in the worker
    process); a job function is ``fn(context, *args)``."""

    def progress(self, done: int, total: int, label: str = "") -> None: ...

    def cancelled(self) -> bool: ...


class JobContext:
    """What a running job sees: report progress, ask whether it was cancelled."""

    def __init__(self, job: _Job) -> None:
        self._job = job

    def progress(self, done: int, total: int, label: str = "") -> None:
        self._job.done, self._job.total, self._job.label = done, total, label

    def cancelled(self) -> bool:
        return self._job.cancel.is_set()


class _ProcessContext:
    """``JobContext`` inside the worker process: progress goes back over the pipe; a cancel
    comes over a pipe of its own (a pipe, not a ``multiprocessing.Event``: an Event is a
    named semaphore, reported as leaked when the server stops with the worker running)."""

    def __init__(self, conn: Any, cancel: Any, job_id: str) -> None:
        self._conn, self._cancel, self._id = conn, cancel, job_id
        self._cancelled = False

    def progress(self, done: int, total: int, label: str = "") -> None:
        self._conn.send(("progress", done, total, str(label)))

    def cancelled(self) -> bool:
        # Each cancel names its job: one sent as an earlier job ended is not this one's.
        while not self._cancelled and self._cancel.poll():
            self._cancelled = self._cancel.recv() == self._id
        return self._cancelled


def _worker_main(conn: Any, cancel: Any) -> None:
    """The worker process: run each (fn, args) it is sent, answer with its outcome."""
    try:
        os.nice(WORKER_NICENESS)  # page views first
    except (AttributeError, OSError):
        pass
    while True:
        try:
            fn, args, job_id = conn.recv()
        except EOFError:
            return
        try:
            result = fn(_ProcessContext(conn, cancel, job_id), *args)
        except Exception as exc:  # noqa: BLE001 - a job's failure is its outcome
            conn.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=5)))
            continue
        conn.send(("result", result))


@contextlib.contextmanager
def _no_main_script() -> Iterator[None]:
    """Start a spawned process without the main script. ``spawn`` runs the parent's
    ``__main__`` again in the child, and in the dashboard that is the page being run (Streamlit
    installs each page as ``__main__``): the worker would run the whole page outside a
    session, printing hundreds of "missing ScriptRunContext" warnings. The worker needs only
    the modules its jobs name, which it imports when it unpickles them."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class _JobFailed(RuntimeError):
    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.details = details


@dataclasses.dataclass
class _Job:
    id: str
    title: str
    work: Callable[..., Any]
    args: tuple
    submitted: float
    hidden: bool = False  # the worker's own warm-up: never listed
    state: str = "queued"
    done: int = 0
    total: int = 0
    label: str = ""
    result: Any = None
    error: str = ""
    finished: float | None = None
    cancel: threading.Event = dataclasses.field(default_factory=threading.Event)


class JobQueue:
    """One worker and its queue; share one per server (``st.cache_resource``).

    ``process``: run jobs in a worker process (see the module's notes) instead of a thread.
    """

    def __init__(self, *, process: bool = False) -> None:
        self._process = process
        self._child: Any = None
        self._conn: Any = None
        self._cancel: Any = None
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._queue: deque[_Job] = deque()
        self._jobs: dict[str, _Job] = {}
        self._ids = itertools.count(1)
        self._worker: threading.Thread | None = None

    def warm_up(self, work: Callable[..., Any], *args: Any) -> None:
        """Start the worker now and run ``work`` in it, unlisted (loading models), so that
        the first real job does not wait for it."""
        self.submit("warm-up", work, *args, _hidden=True)

    def submit(self, title: str, work: Callable[..., Any], *args: Any,
               _hidden: bool = False) -> str:
        """Queue ``work(context, *args)``; returns the job's id at once."""
        with self._lock:
            job = _Job(id=f"job-{next(self._ids)}", title=title, work=work, args=args,
                       submitted=time.time(), hidden=_hidden)
            self._jobs[job.id] = job
            self._queue.append(job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="geo-jobs", daemon=True)
                self._worker.start()
            self._wake.notify()
            return job.id

    def every(self, seconds: float, title: str, work: Callable[..., Any], *args: Any) -> None:
        """Submit ``work(context, *args)`` unlisted every ``seconds`` (the listed sources'
        poll), in the same worker as the other jobs, never while its last run is still
        queued or running; the first run is after ``seconds``."""
        def schedule() -> None:
            last: str | None = None
            while True:
                time.sleep(seconds)
                status = self.status(last) if last is not None else None
                if status is None or not status.active:
                    last = self.submit(title, work, *args, _hidden=True)

        threading.Thread(target=schedule, name=f"geo-every-{title}", daemon=True).start()

    def status(self, job_id: str) -> JobStatus | None:
        """The job now, or None when it is unknown (forgotten, or from before a restart)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            position = next((n + 1 for n, j in enumerate(
                q for q in self._queue if not q.hidden) if j is job), 0)
            return JobStatus(id=job.id, title=job.title, state=job.state, done=job.done,
                             total=job.total, label=job.label, position=position,
                             result=job.result, error=job.error, submitted=job.submitted,
                             finished=job.finished)

    def recent(self, count: int) -> list[JobStatus]:
        """The ``count`` newest jobs, newest first (what a page lists after a reload)."""
        with self._lock:
            ids = [j.id for j in sorted(self._jobs.values(), key=lambda j: j.submitted)
                   if not j.hidden]
        wanted = ids[-count:][::-1]
        return [s for s in (self.status(i) for i in wanted) if s is not None]

    def busy(self) -> bool:
        """A job is queued or running."""
        with self._lock:
            return any(j.state in ("queued", "running") and not j.hidden
                       for j in self._jobs.values())

    def cancel(self, job_id: str) -> None:
        """Stop the job: a queued one never starts, a running one stops at its next check."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            job.cancel.set()
            if job.state == "running" and self._cancel is not None:
                self._cancel.send(job.id)
            if job.state == "queued":
                self._queue.remove(job)
                self._finish(job, "cancelled")

    def wait(self, job_id: str, *, timeout: float) -> JobStatus:
        """Block until the job has finished (for tests and the command line)."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(job_id)
            if status is None or not status.active or time.monotonic() > deadline:
                return status
            time.sleep(0.05)

    def _run(self) -> None:
        # In thread mode, yield the cores to the sessions' script threads (on Linux a thread
        # has its own nice value); in process mode the worker process is niced itself.
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
        except (AttributeError, OSError):
            pass
        while True:
            with self._lock:
                while not self._queue:
                    self._wake.wait()
                job = self._queue.popleft()
                job.state = "running"
            try:
                if self._process:
                    result = self._run_in_process(job)
                else:
                    result = job.work(JobContext(job), *job.args)
            except Exception as exc:  # noqa: BLE001 - a job's failure is its outcome
                with self._lock:
                    job.error = (str(exc) if isinstance(exc, _JobFailed)
                                 else f"{type(exc).__name__}: {exc}")
                    job.result = getattr(exc, "details", None) or traceback.format_exc(limit=5)
                    self._finish(job, "failed")
                continue
            with self._lock:
                job.result = result
                self._finish(job, "cancelled" if job.cancel.is_set() else "done")

    def _run_in_process(self, job: _Job) -> Any:
        if self._child is None or not self._child.is_alive():
            ctx = mp.get_context("spawn")
            self._conn, child_conn = ctx.Pipe()
            child_cancel, self._cancel = ctx.Pipe(duplex=False)
            self._child = ctx.Process(target=_worker_main, args=(child_conn, child_cancel),
                                      name="geo-jobs", daemon=True)
            with _no_main_script():
                self._child.start()
        self._conn.send((job.work, job.args, job.id))
        if job.cancel.is_set():
            self._cancel.send(job.id)
        while True:
            try:
                message = self._conn.recv()
            except EOFError as exc:  # the worker died (killed, out of memory)
                self._child = None
                raise _JobFailed("the worker process stopped", "") from exc
            if message[0] == "progress":
                job.done, job.total, job.label = message[1:]
            elif message[0] == "result":
                return message[1]
            else:
                raise _JobFailed(message[1], message[2])

    def _finish(self, job: _Job, state: str) -> None:
        job.state, job.finished = state, time.time()
        finished = [j for j in self._jobs.values() if j.finished is not None]
        for old in sorted(finished, key=lambda j: j.finished)[:-KEEP_FINISHED]:
            del self._jobs[old.id]
