"""Load and fault benchmark on loopback: concurrent REST API clients against one and two app replicas that share a
Chroma server, one index folder and a PostgreSQL logbook; then one replica killed mid-run.

Every client asks a bounded number of questions (the run stops by itself) through `POST /api/v1/ask`. A client
sends each question to the next replica it has not seen fail, and a question refused at connection (never received)
goes to the next live replica, as a load balancer does; so a killed replica should cost the questions in flight on it
and no more.

    python bench/load.py                     # 1 stream, 20 and 50 clients on 1 and 2 replicas, a kill at 20 and 50
    python bench/load.py --clients 20 --questions 3
    python bench/load.py --threads 1         # each replica's torch threads (default: the settings')
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gold import load_questions  # noqa: E402
from tests.support.app_client import AppClient  # noqa: E402
from tests.support.cluster import Cluster, Service, add_replicas, ingest, running_cluster  # noqa: E402
from tests.support.postgres import running_postgres  # noqa: E402


@dataclass
class Outcome:
    replica: str
    started: float
    seconds: float
    error: str = ""


@dataclass
class Run:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)
    wall: float = 0.0
    cores_busy: float = 0.0
    in_flight_at_kill: int = -1
    rerouted: int = 0
    victim: str = ""
    killed_at: float = float("inf")

    @property
    def ok(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.error]

    def line(self) -> str:
        latencies = sorted(o.seconds for o in self.ok)
        p50 = statistics.median(latencies) if latencies else float("nan")
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else float("nan")
        errors = len(self.outcomes) - len(self.ok)
        killed = ""
        if self.victim:
            lost = [o for o in self.outcomes if o.error and o.replica == self.victim and o.started < self.killed_at]
            killed = (
                f" ({len(lost)} sent to the killed replica before it died, {errors - len(lost)} other); "
                f"in flight on it as the signal went: {self.in_flight_at_kill}; refused and rerouted: {self.rerouted}"
            )
        return (
            f"{self.name:<34} {len(self.outcomes):>4} questions  {len(self.ok) / self.wall:5.2f} q/s  "
            f"p50 {p50:5.2f} s  p95 {p95:5.2f} s  cores busy {self.cores_busy:4.2f}  errors {errors}{killed}"
        )


TICKETS = itertools.count(4000)  # a support ticket's number ends each question: no two texts repeat, so no measured
# question is answered from a replica's cache of recent questions' vectors


def cpu_ticks() -> tuple[int, int]:
    """The machine's busy and total CPU ticks so far (/proc/stat): every process counts, the replicas, the Chroma
    server, PostgreSQL and these clients alike, since all of them share the cores."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


class Balancer:
    """Each client's view of the replicas: the next one in turn, skipping any it has seen fail."""

    def __init__(self, replicas: list[Service], offset: int) -> None:
        self.replicas = replicas
        self.turn = offset
        self.dead: set[str] = set()

    def next(self) -> Service | None:
        live = [r for r in self.replicas if r.name not in self.dead]
        if not live:
            return None
        self.turn += 1
        return live[self.turn % len(live)]


def run_clients(
    name: str,
    replicas: list[Service],
    clients: int,
    per_client: int,
    questions: list[str],
    kill: Callable[[Run, dict[str, int]], None] | None = None,
) -> Run:
    """``clients`` threads, each one session per replica, asking ``per_client`` questions in turn."""
    run = Run(name)
    lock = threading.Lock()
    in_flight = {r.name: 0 for r in replicas}
    sessions = [{r.name: AppClient(r.url) for r in replicas} for _ in range(clients)]
    ready = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        balancer = Balancer(replicas, index)
        ready.wait()
        for n in range(per_client):
            question = f"{questions[(index * per_client + n) % len(questions)]} (ticket {next(TICKETS)})"
            while (replica := balancer.next()) is not None:
                with lock:
                    in_flight[replica.name] += 1
                started = time.perf_counter()
                error = ""
                try:
                    answer = sessions[index][replica.name].ask(question, timeout_s=600)
                    if not answer.text:
                        error = "empty answer"
                except httpx.ConnectError:  # refused: the replica never got it; the next live one does
                    balancer.dead.add(replica.name)
                    with lock:
                        in_flight[replica.name] -= 1
                        run.rerouted += 1
                    continue
                except Exception as exc:  # any other failure is the figure being measured, named in the report
                    error = f"{type(exc).__name__}: {exc}"[:200]
                    balancer.dead.add(replica.name)
                with lock:
                    in_flight[replica.name] -= 1
                    run.outcomes.append(Outcome(replica.name, started, time.perf_counter() - started, error))
                break

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    began, ticks = time.perf_counter(), cpu_ticks()
    if kill is not None:
        threading.Thread(target=kill, args=(run, in_flight), daemon=True).start()
    for thread in threads:
        thread.join()
    run.wall = time.perf_counter() - began
    busy, total = (now - then for now, then in zip(cpu_ticks(), ticks))
    run.cores_busy = (os.cpu_count() or 1) * busy / max(total, 1)
    for outcome in run.outcomes:
        if outcome.error:
            print(f"  error on {outcome.replica}: {outcome.error}", file=sys.stderr)
    return run


def killer(victim: Service, after: int, poll: float = 0.05) -> Callable[[Run, dict[str, int]], None]:
    """Kill ``victim`` (SIGKILL) once ``after`` questions have finished, noting how many were in flight on it."""

    def kill(run: Run, in_flight: dict[str, int]) -> None:
        while len(run.outcomes) < after:
            time.sleep(poll)
        run.victim, run.in_flight_at_kill = victim.name, in_flight[victim.name]
        victim.kill()
        run.killed_at = time.perf_counter()

    return kill


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--questions", type=int, default=4, help="questions per client in each run")
    parser.add_argument("--single", type=int, default=20, help="questions of the single-stream run")
    parser.add_argument("--threads", type=int, default=0, help="each replica's torch threads (default: settings')")
    args = parser.parse_args()

    questions = [q.q for q in load_questions() if q.answerable and q.lang == "en"]
    print(f"{os.cpu_count()} cores; {len(questions)} gold questions; minilm only; the corpus shipped in corpus/")
    with tempfile.TemporaryDirectory(prefix="netzero-load-") as scratch, running_postgres() as logbook:
        folder = Path(scratch)
        threads = {"NETZERO_THREADS": str(args.threads)} if args.threads else {}
        with running_cluster(folder, logbook, NETZERO_DENSE_MODELS="minilm", **threads) as cluster:
            started = time.perf_counter()
            written = ingest(cluster.env, Path("corpus"))
            if written.returncode != 0:
                raise SystemExit(f"ingest failed:\n{written.stderr}")
            print(f"index of the shipped corpus on the Chroma server: {time.perf_counter() - started:.0f} s")
            measure(cluster, folder, questions, args)


def measure(cluster: Cluster, folder: Path, questions: list[str], args: argparse.Namespace) -> None:
    """The runs, each printed as it finishes."""
    first, second = add_replicas(cluster, folder, 2)
    for replica in (first, second):
        warm_up(replica, questions)
    print(run_clients("1 stream, 1 replica", [first], 1, args.single, questions).line(), flush=True)
    for clients in args.clients:
        print(run_clients(f"{clients} clients, 1 replica", [first], clients, args.questions, questions).line())
        print(run_clients(f"{clients} clients, 2 replicas", [first, second], clients, args.questions, questions).line())
    for clients in args.clients:
        victim = second
        total = clients * args.questions
        run = run_clients(
            f"{clients} clients, 2 replicas, 1 killed",
            [first, victim],
            clients,
            args.questions,
            questions,
            kill=killer(victim, after=total // 3),
        )
        print(run.line(), flush=True)
        (second,) = add_replicas(cluster, folder, 1)
        warm_up(second, questions)


def warm_up(replica: Service, questions: list[str]) -> None:
    """Every question once, one at a time: models loaded and the passages' sentences analysed and embedded, as on a
    replica that has served for a while, so that the single stream and the loaded runs meet the same state."""
    client = AppClient(replica.url)
    for question in questions:
        client.ask(question, timeout_s=600)


if __name__ == "__main__":
    main()
