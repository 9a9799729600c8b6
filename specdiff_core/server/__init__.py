"""The server side of the app, with no streamlit: one bounded pool of background jobs shared
by every session, worker processes that do the heavy part, and the duel's jobs.

Thirty students press *Train* at once: each press becomes a job in one queue served by a
fixed number of worker threads (default: the cores this process may use), each with its own
worker process, so the machine trains at most that many models at a time and every other
request waits its turn, with its place in the queue and an estimate.

* **Job**: ``fn(ctx)`` run once on a worker thread. ``ctx.cancelled`` asks it to stop
  early, ``ctx.report(done)`` records progress in work units (training steps, say),
  ``ctx.shared`` is an object its watchers also see (the duel jobs' mirror of the duel),
  and ``ctx.call`` runs the heavy part in the worker's process.
* **Ticket**: one watcher's handle on a job (a session that asked for it). Jobs submitted
  with the same ``key`` while one is queued, running or recently done are computed once
  and watched by several tickets (deduplication). Give a key only to deterministic work,
  where the same key always means the same result.
* A job whose tickets are all cancelled is dropped from the queue, or, if running, asked
  to stop. The reaper cancels tickets that were not polled for ``stale_after`` seconds and
  tickets whose owner ``alive(owner)`` reports gone for ``owner_grace`` seconds (a closed
  browser tab), so a class that leaves does not leave work behind.
* An exception inside a job marks that job failed; its watchers see the message and the
  worker goes on with the next job. Nothing a job raises reaches another job.

Modules, lowest first: ``workers`` (processes and their message protocol), ``ray_workers``
(the same interface on a Ray cluster: ``JobPool(backend="ray", ray_address=...)``), ``jobs`` (job,
context, view), ``job_queue`` (the waiting jobs and which job answers a key), ``eta`` (the
queue's estimate), ``reaper`` (who is gone), ``tickets`` (a watcher's :class:`Ticket`),
``pool`` (:class:`JobPool`), ``duel_jobs`` (training and sampling a duel in a worker),
``session`` (a student's duel, driven by the pages); the run store of finished duels
(``run_record``: history and checkpoints; ``run_store``: the files, content-addressed;
``replay``: a stored run played back at the live pace; ``warmer``: ``warm`` and idle-time
warming). Beside them, the class store: what a
class answered, predicted and found, for the teacher view (``class_db``: the setting, the
connection and the schema; ``class_store``: :class:`ClassStore`, one writer thread;
``class_summary``: the tallies, the estimate over seeds and their sentences).

Examples
--------
>>> pool = JobPool(workers=1)
>>> t = pool.submit(lambda ctx: 6 * 7, owner="alice", key="answer")
>>> t.wait(5).status, t.result()
('done', 42)
>>> pool.submit(lambda ctx: 0, owner="bob", key="answer").result()  # computed once
42
>>> pool.shutdown()
"""

from . import class_summary, session
from .class_store import ClassStore, duel_tag, student_id
from .duel_jobs import (
    DuelRun,
    demo_sets,
    experiment_remote,
    sample_duel_job,
    sample_remote,
    train_duel_job,
    train_remote,
    warm_remote,
)
from .jobs import FINISHED, STATUSES, Cancelled, JobContext, JobView, PoolFull
from .pool import BACKENDS, JobPool, default_workers
from .ray_workers import RayWorker
from .tickets import Ticket
from .workers import WORKER_NICE, ProcessWorker, RemoteError, Watched, WorkerDied

__all__ = [
    "Watched",
    "RemoteError",
    "WorkerDied",
    "ProcessWorker",
    "RayWorker",
    "BACKENDS",
    "WORKER_NICE",
    "PoolFull",
    "JobView",
    "JobContext",
    "Cancelled",
    "STATUSES",
    "FINISHED",
    "default_workers",
    "JobPool",
    "Ticket",
    "demo_sets",
    "DuelRun",
    "train_duel_job",
    "train_remote",
    "sample_duel_job",
    "warm_remote",
    "sample_remote",
    "experiment_remote",
    "session",
    "ClassStore",
    "student_id",
    "duel_tag",
    "class_summary",
]
