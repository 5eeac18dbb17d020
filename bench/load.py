"""Load and fault benchmark on loopback: concurrent REST API clients against one and two app replicas that share a
Chroma server, one index folder and a PostgreSQL logbook; then one replica killed mid-run.

Every client asks a bounded number of questions (the run stops by itself) through `POST /api/v1/ask`. A client
sends each question to the next replica it has not seen fail, and a question refused at connection (never received)
goes to the next live replica, as a load balancer does; so a killed replica should cost the questions in flight on it
and no more. Each run also prints the CPU a question cost each role (replicas, Chroma server, PostgreSQL, these
clients), since all of them share the cores being measured.

    python bench/load.py                     # 1 stream, 20 and 50 clients on 1 and 2 replicas, a kill at 20 and 50
    python bench/load.py --clients 20 --questions 3
    python bench/load.py --replicas 2 3       # the loaded runs on 2 and on 3 replicas
    python bench/load.py --threads 1         # each replica's torch threads (default: the settings')
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import select
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gold import load_questions  # noqa: E402
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
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # per role, over the processes alive throughout
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
        answered = max(len(self.ok), 1)
        spent = ", ".join(f"{role} {1000 * s / answered:.1f}" for role, s in sorted(self.cpu_seconds.items()))
        killed = ""
        if self.victim:
            lost = [o for o in self.outcomes if o.error and o.replica == self.victim and o.started < self.killed_at]
            killed = (
                f" ({len(lost)} sent to the killed replica before it died, {errors - len(lost)} other); "
                f"in flight on it as the signal went: {self.in_flight_at_kill}; refused and rerouted: {self.rerouted}"
            )
        return (
            f"{self.name:<34} {len(self.outcomes):>4} questions  {len(self.ok) / self.wall:5.2f} q/s  "
            f"p50 {p50:5.2f} s  p95 {p95:5.2f} s  cores busy {self.cores_busy:4.2f}  errors {errors}{killed}\n"
            f"{'':<34} CPU ms a question: {spent}"
        )


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TICKETS = itertools.count(4000)  # a support ticket's number ends each question: no two texts repeat, so no measured
# question is answered from a replica's cache of recent questions' vectors


def cpu_ticks() -> tuple[int, int]:
    """The machine's busy and total CPU ticks so far (/proc/stat): every process counts, the replicas, the Chroma
    server, PostgreSQL and these clients alike, since all of them share the cores."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def cpu_seconds(roles: dict[int, str]) -> dict[int, tuple[str, float]]:
    """Each process's role and CPU seconds so far (/proc/PID/stat): the pids in ``roles``, and PostgreSQL's server
    processes by their command name."""
    spent: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, stat = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        role = roles.get(int(entry.name)) or ("postgres" if name.endswith("(postgres") else "")
        if role:
            user, system = stat.split()[11:13]
            spent[int(entry.name)] = (role, (int(user) + int(system)) / CLOCK_TICKS)
    return spent


def cpu_by_role(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds per role between two ``cpu_seconds`` readings, over the processes alive at both."""
    spent: dict[str, float] = {}
    for pid, (role, seconds) in after.items():
        if pid in before:
            spent[role] = spent.get(role, 0.0) + seconds - before[pid][1]
    return spent


class Caller:
    """One client's keep-alive connection to one replica through the standard library. The load generator shares
    the cores it measures: httpx behind the test client's thread pool cost 13 ms of CPU a question, a quarter of a
    core at saturation."""

    def __init__(self, url: str) -> None:
        address = urlsplit(url)
        self.host, self.port = address.hostname or "127.0.0.1", address.port
        self.connection: http.client.HTTPConnection | None = None

    def ask(self, question: str) -> str:
        """The answer's text. ``ConnectionRefusedError`` means the replica never got the question."""
        if self.connection is not None and self._closed_by_server():
            self.connection.close()
            self.connection = None
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=600)
        body = json.dumps({"question": question, "mode": "explore"})
        try:
            self.connection.request("POST", "/api/v1/ask", body, {"Content-Type": "application/json"})
            response = self.connection.getresponse()
            payload = response.read()
        except BaseException:
            self.connection.close()
            self.connection = None
            raise
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {payload[:200]!r}")
        return str(json.loads(payload)["answer"])

    def _closed_by_server(self) -> bool:
        """An idle kept-alive connection the server has closed (it reads as ready): a new one is opened instead,
        as httpx does, so a question is never sent down a connection that was dead before it was sent."""
        sock = self.connection.sock if self.connection is not None else None
        return sock is None or bool(select.select([sock], [], [], 0)[0])


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
    chroma: Service,
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
    sessions = [{r.name: Caller(r.url) for r in replicas} for _ in range(clients)]
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
                    if not sessions[index][replica.name].ask(question):
                        error = "empty answer"
                except ConnectionRefusedError:  # refused: the replica never got it; the next live one does
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
    roles = {r.process.pid: "replicas" for r in replicas} | {chroma.process.pid: "chroma", os.getpid(): "clients"}
    ready.wait()
    began, ticks, spent = time.perf_counter(), cpu_ticks(), cpu_seconds(roles)
    if kill is not None:
        threading.Thread(target=kill, args=(run, in_flight), daemon=True).start()
    for thread in threads:
        thread.join()
    run.wall = time.perf_counter() - began
    busy, total = (now - then for now, then in zip(cpu_ticks(), ticks))
    run.cores_busy = (os.cpu_count() or 1) * busy / max(total, 1)
    run.cpu_seconds = cpu_by_role(spent, cpu_seconds(roles))
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
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2], help="replica counts of the loaded runs")
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
    started = add_replicas(cluster, folder, max(2, *args.replicas))
    for replica in started:
        warm_up(replica, questions)
    first, second = started[:2]
    chroma = cluster.chroma
    print(run_clients("1 stream, 1 replica", chroma, [first], 1, args.single, questions).line(), flush=True)
    for clients in args.clients:
        for count in args.replicas:
            name = f"{clients} clients, {count} replica{'s' if count > 1 else ''}"
            print(run_clients(name, chroma, started[:count], clients, args.questions, questions).line(), flush=True)
    for clients in args.clients:
        victim = second
        total = clients * args.questions
        run = run_clients(
            f"{clients} clients, 2 replicas, 1 killed",
            chroma,
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
    caller = Caller(replica.url)
    for question in questions:
        caller.ask(question)


if __name__ == "__main__":
    main()
