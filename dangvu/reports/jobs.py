"""Reports that take more than a second are computed in a background thread while the page shows their
progress (step k of n, what is being computed), polled every second.

The server is one process (``dangvu runserver``, threaded), so the jobs live in this process's memory; a
job belongs to the user who started it and is forgotten a few minutes after it ends.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import close_old_connections, connections

KEEP_SECONDS = 600
MAX_RUNNING_PER_USER = 3


@dataclass
class Job:
    token: int  # a number in the URL (SEC-09); the job is only ever shown to the user who started it
    user_id: int
    step: int = 0
    steps: int = 1
    label: str = "Đang chuẩn bị"
    history: list[tuple[int, int, str]] = field(default_factory=list)
    result: object = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    cleaned_data: dict = field(default_factory=dict)  # the report form's data, to render the result

    def progress(self, step: int, steps: int, label: str) -> None:
        self.step, self.steps, self.label = step, steps, label
        self.history.append((step, steps, label))

    @property
    def percent(self) -> int:
        if self.done.is_set():
            return 100
        return int(max(self.step - 1, 0) * 100 / self.steps) if self.steps else 0

    @property
    def elapsed(self) -> int:
        return int((self.ended or time.monotonic()) - self.started)


class Busy(RuntimeError):
    pass


_jobs: dict[int, Job] = {}
_lock = threading.Lock()
_numbers = itertools.count(1)


def _forget_old() -> None:
    now = time.monotonic()
    for token in [t for t, j in _jobs.items() if j.ended and now - j.ended > KEEP_SECONDS]:
        del _jobs[token]


def start(user_id: int, work: Callable[[Callable[[int, int, str], None]], object]) -> Job:
    """Run ``work(progress)`` in a thread; ``progress(step, steps, label)`` updates what the page shows."""
    with _lock:
        _forget_old()
        running = [j for j in _jobs.values() if j.user_id == user_id and not j.done.is_set()]
        if len(running) >= MAX_RUNNING_PER_USER:
            raise Busy("Bạn đang có nhiều báo cáo chưa tính xong; hãy chờ các báo cáo đó xong rồi lập báo cáo mới.")
        job = Job(token=next(_numbers), user_id=user_id)
        _jobs[job.token] = job

    def run() -> None:
        close_old_connections()
        try:
            job.result = work(job.progress)
        except BaseException as exc:  # noqa: BLE001 - shown to the user by the polling view
            job.error = exc
        finally:
            job.ended = time.monotonic()
            job.done.set()
            connections.close_all()  # this thread's connections only

    threading.Thread(target=run, name=f"report-{job.token}", daemon=True).start()
    return job


def available() -> bool:
    """Background threads need a database that other connections can read while the request writes: not
    SQLite in memory (the test database), whose shared cache locks whole tables and does not wait."""
    connection = connections["default"]
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def get(token: int, user_id: int) -> Job | None:
    with _lock:
        job = _jobs.get(token)
    return job if job is not None and job.user_id == user_id else None


def forget(job: Job) -> None:
    """Drop a delivered job (its report can be large)."""
    with _lock:
        _jobs.pop(job.token, None)
