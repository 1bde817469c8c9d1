"""Long work off the request path: one background worker per server runs jobs (ingests,
re-processing) one at a time, in the order submitted.

A page submits a job and returns at once; any session can poll it by id and see its progress
and queue position, and its outcome stays readable after the page that started it was left
(Streamlit stops a page's script when the user navigates away; a job is not a script run).
Cancelling a job stops it at its next check; what it stored before stays stored.

Example:
    >>> queue = JobQueue()
    >>> job = queue.submit("add two numbers", lambda ctx: 1 + 1)
    >>> queue.wait(job, timeout=5).result
    2
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

STATES = ("queued", "running", "done", "failed", "cancelled")
KEEP_FINISHED = 200  # finished jobs remembered for polling; older ones are forgotten


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


class JobContext:
    """What a running job sees: report progress, ask whether it was cancelled."""

    def __init__(self, job: _Job) -> None:
        self._job = job

    def progress(self, done: int, total: int, label: str = "") -> None:
        self._job.done, self._job.total, self._job.label = done, total, label

    def cancelled(self) -> bool:
        return self._job.cancel.is_set()


@dataclasses.dataclass
class _Job:
    id: str
    title: str
    work: Callable[[JobContext], Any]
    submitted: float
    state: str = "queued"
    done: int = 0
    total: int = 0
    label: str = ""
    result: Any = None
    error: str = ""
    finished: float | None = None
    cancel: threading.Event = dataclasses.field(default_factory=threading.Event)


class JobQueue:
    """One worker thread and its queue; share one per server (``st.cache_resource``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._queue: deque[_Job] = deque()
        self._jobs: dict[str, _Job] = {}
        self._ids = itertools.count(1)
        self._worker: threading.Thread | None = None

    def submit(self, title: str, work: Callable[[JobContext], Any]) -> str:
        """Queue ``work(context)``; returns the job's id at once."""
        with self._lock:
            job = _Job(id=f"job-{next(self._ids)}", title=title, work=work,
                       submitted=time.time())
            self._jobs[job.id] = job
            self._queue.append(job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="geo-jobs", daemon=True)
                self._worker.start()
            self._wake.notify()
            return job.id

    def status(self, job_id: str) -> JobStatus | None:
        """The job now, or None when it is unknown (forgotten, or from before a restart)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            position = next((n + 1 for n, j in enumerate(self._queue) if j is job), 0)
            return JobStatus(id=job.id, title=job.title, state=job.state, done=job.done,
                             total=job.total, label=job.label, position=position,
                             result=job.result, error=job.error, submitted=job.submitted,
                             finished=job.finished)

    def recent(self, count: int) -> list[JobStatus]:
        """The ``count`` newest jobs, newest first (what a page lists after a reload)."""
        with self._lock:
            ids = [j.id for j in sorted(self._jobs.values(), key=lambda j: j.submitted)]
        wanted = ids[-count:][::-1]
        return [s for s in (self.status(i) for i in wanted) if s is not None]

    def cancel(self, job_id: str) -> None:
        """Stop the job: a queued one never starts, a running one stops at its next check."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            job.cancel.set()
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
        while True:
            with self._lock:
                while not self._queue:
                    self._wake.wait()
                job = self._queue.popleft()
                job.state = "running"
            try:
                result = job.work(JobContext(job))
            except Exception as exc:  # noqa: BLE001 - a job's failure is its outcome
                with self._lock:
                    job.error = f"{type(exc).__name__}: {exc}"
                    job.result = traceback.format_exc(limit=5)
                    self._finish(job, "failed")
                continue
            with self._lock:
                job.result = result
                self._finish(job, "cancelled" if job.cancel.is_set() else "done")

    def _finish(self, job: _Job, state: str) -> None:
        job.state, job.finished = state, time.time()
        finished = [j for j in self._jobs.values() if j.finished is not None]
        for old in sorted(finished, key=lambda j: j.finished)[:-KEEP_FINISHED]:
            del self._jobs[old.id]
