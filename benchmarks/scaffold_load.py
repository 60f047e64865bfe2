"""Load benchmark of the generated service on real PostgreSQL and Redis, on loopback.

    python benchmarks/scaffold_load.py [--duration 5] [--connections 32] [--users 12000]

What it does, in one run on this machine:
  1. generates the scaffold for examples/twitter.yaml, starts throwaway PostgreSQL and Redis,
     applies the migrations, starts ONE api process (uvicorn) and ONE fan-out worker;
  2. seeds users and a power-law follower graph (Zipf-like popularity) with a few celebrities
     above the spec's celebrity threshold, one author with exactly 10,000 followers, and tweets;
  3. measures with wrk (Debian package; closed loop, --connections connections, one thread):
       - a bare FastAPI endpoint in its own uvicorn process (the baseline, same flags),
       - home-timeline reads, cache hit (warm timelines) and cache miss (each user read once),
       - tweet posts (throughput and latency), then the fan-out of that burst (timeline
         inserts per second until the worker has drained the stream);
  4. fan-out of one tweet to 10,000 followers: time from the POST until the last follower's
     cached timeline holds it (followers are pushed in id order, then all 10,000 are checked);
  5. an open-loop run at the per-server load the estimate assigns (peak QPS / api replicas),
     with the spec's read/write mix, and the p95 of each compared with the spec's SLO. Requests
     are scheduled at the fixed rate whatever the answers do, over kept-alive raw HTTP/1.1
     connections (a cheap generator, so it does not starve the service on a small machine), and
     latency runs from each request's scheduled time (no coordinated omission).
The service and the baseline run under the same uvicorn flags: uvloop and httptools when they
are installed, as the generated deployment files run it.
Prints every figure, the ratios to the baseline, the core count and the load average.
Bounded: every load phase runs for --duration seconds, traffic goes to 127.0.0.1 only, and all
processes it started are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "deploy"))

from deploy_helpers import Stack, free_port, service_env, wait_http  # noqa: E402
from services import postgres_server, redis_server  # noqa: E402

JWT_SECRET = "benchmark-secret-" + "y" * 40

WRK_SCRIPT = r"""
local tokens = {}
local f = os.getenv("BENCH_TOKENS")
if f and f ~= "" then
  for line in io.lines(f) do tokens[#tokens + 1] = line end
end
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
if body == "" then body = nil end
local i = 0
request = function()
  i = i + 1
  local headers = {}
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[((i - 1) % #tokens) + 1]
  end
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body and string.gsub(body, "#N#", tostring(i)) or nil)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"socket_errors":%d,"non2xx":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

BARE_APP = textwrap.dedent("""
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/ping")
    async def ping() -> dict:
        return {"ok": True}
""")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- seeding -----------------------------------------------------------------------------------

def build_graph(n_users: int, celebrities: int, threshold: int, seed: int = 7
                ) -> tuple[list[tuple[int, int]], dict[str, Any]]:
    """Follow edges (follower, followee) over user ids 1..n_users.

    id 1: exactly 10,000 followers (ids 2..10001), the fan-out probe (at the threshold, so it
    is still fanned out). ids 2..1+celebrities: celebrities, each followed by more than
    ``threshold`` users, pulled at read time. Everyone else follows 5-60 accounts drawn with
    Zipf-like weights 1/rank: a few popular accounts, a long tail.
    """
    rng = random.Random(seed)
    edges: set[tuple[int, int]] = set()
    for follower in range(2, min(n_users, 10_001) + 1):
        edges.add((follower, 1))
    celebs = list(range(2, 2 + celebrities))
    for c in celebs:
        want = min(n_users - 1, threshold + rng.randint(100, 1500))
        pool = [u for u in range(1, n_users + 1) if u != c]
        for follower in rng.sample(pool, want):
            edges.add((follower, c))
    ordinary = list(range(2 + celebrities, n_users + 1))
    weights = [1.0 / (rank + 1) for rank in range(len(ordinary))]
    for follower in range(1, n_users + 1):
        k = rng.randint(5, 60)
        for followee in rng.choices(ordinary, weights=weights, k=k):
            if followee != follower:
                edges.add((follower, followee))
    followers: dict[int, int] = {}
    for _, followee in edges:
        followers[followee] = followers.get(followee, 0) + 1
    counts = sorted(followers.values(), reverse=True)
    stats = {
        "users": n_users, "follows": len(edges), "celebrities": celebs,
        "max_followers": counts[0], "median_followers": statistics.median(counts),
        "mean_followers": round(len(edges) / n_users, 1),
        "top5_followers": counts[:5],
    }
    return sorted(edges), stats


async def seed(db_url: str, n_users: int, edges: list[tuple[int, int]], threshold: int,
               tweets: int, seed_: int = 11) -> None:
    import asyncpg

    rng = random.Random(seed_)
    conn = await asyncpg.connect(db_url)
    try:
        await conn.copy_records_to_table(
            "users", columns=["id", "username", "password_hash", "created_at"],
            records=[(i, f"user{i:06d}", "not-a-real-hash", _now()) for i in
                     range(1, n_users + 1)])
        await conn.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), $1)", n_users)
        await conn.copy_records_to_table(
            "follows", columns=["follower_id", "followee_id", "created_at"],
            records=[(a, b, _now()) for a, b in edges])
        await conn.execute("""
            UPDATE users u SET follower_count = c.n FROM
              (SELECT followee_id, count(*) AS n FROM follows GROUP BY followee_id) c
            WHERE u.id = c.followee_id""")
        await conn.execute("""
            UPDATE users u SET following_count = c.n FROM
              (SELECT follower_id, count(*) AS n FROM follows GROUP BY follower_id) c
            WHERE u.id = c.follower_id""")
        counts = dict(await conn.fetch("SELECT id, follower_count FROM users"))
        authors = rng.choices(range(1, n_users + 1),
                              weights=[1 + counts.get(i, 0) for i in range(1, n_users + 1)],
                              k=tweets)
        import datetime as dt

        base = _now() - dt.timedelta(days=2)
        await conn.copy_records_to_table(
            "tweets", columns=["author_id", "text", "created_at", "fanout"],
            records=[(a, f"seeded tweet {j}", base + dt.timedelta(seconds=j * 5),
                      counts.get(a, 0) <= threshold) for j, a in enumerate(authors)])
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _now():
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def mint_tokens(user_ids: list[int]) -> list[str]:
    import jwt

    now = int(time.time())
    return [jwt.encode({"sub": str(u), "iat": now, "exp": now + 3600, "typ": "access"},
                       JWT_SECRET, algorithm="HS256") for u in user_ids]


# --- load --------------------------------------------------------------------------------------

def run_wrk(wrk: str, url: str, script: Path, duration: int, connections: int,
            tokens_file: Path | None = None, method: str = "GET", body: str = "") -> dict:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    env = dict(os.environ, BENCH_TOKENS=str(tokens_file or ""), BENCH_METHOD=method,
               BENCH_PATH=parts.path or "/", BENCH_BODY=body)
    base = f"{parts.scheme}://{parts.netloc}"
    r = subprocess.run([wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
                        "-s", str(script), base], capture_output=True, text=True, env=env,
                       timeout=duration + 60)
    line = next((x for x in r.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{r.stdout}\n{r.stderr}")
    d = json.loads(line[6:])
    secs = d["duration_us"] / 1e6
    return {
        "rps": round(d["requests"] / secs, 1),
        "requests": d["requests"],
        "errors": d["socket_errors"] + d["non2xx"],
        "p50_ms": round(d["p50_us"] / 1000, 2),
        "p95_ms": round(d["p95_us"] / 1000, 2),
        "p99_ms": round(d["p99_us"] / 1000, 2),
    }


async def _http_conn(host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(host, port)


async def _http_call(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     request: bytes) -> int:
    """One HTTP/1.1 request on a kept-alive connection; the status code."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def open_loop(base: str, rate: float, duration: float, read_tokens: list[str],
                    write_tokens: list[str], write_share: float,
                    connections: int = 64) -> dict[str, Any]:
    """Requests scheduled at a fixed rate, whatever the answers do (open loop).

    Latency runs from each request's *scheduled* time to its answer, so a request that waits
    for a free connection counts that wait (no coordinated omission). Plain HTTP/1.1 on
    kept-alive loopback connections: the generator costs little CPU, so on a small machine it
    does not starve the service it measures.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    rng = random.Random(3)
    lat: dict[str, list[float]] = {"read": [], "write": []}
    errors = {"read": 0, "write": 0}
    queue: asyncio.Queue = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def request(kind: str, token: str, n: int) -> bytes:
        auth = f"Authorization: Bearer {token}\r\n"
        if kind == "read":
            return (f"GET /api/v1/timeline HTTP/1.1\r\nHost: {host}\r\n{auth}\r\n").encode()
        body = json.dumps({"text": f"open loop {n}"}).encode()
        return (f"POST /api/v1/tweets HTTP/1.1\r\nHost: {host}\r\n{auth}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode() + body

    async def worker() -> None:
        conn = None
        while True:
            job = await queue.get()
            if job is None:
                break
            due, kind, payload = job
            try:
                if conn is None:
                    conn = await _http_conn(host, port)
                status = await asyncio.wait_for(_http_call(*conn, payload), 10)
                ok = status < 400
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
                if conn is not None:
                    conn[1].close()
                conn = None
            if ok:
                lat[kind].append(loop.time() - due)
            else:
                errors[kind] += 1
        if conn is not None:
            conn[1].close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    start = loop.time()
    n = 0
    while (now := loop.time() - start) < duration:
        due_count = int(now * rate) + 1
        while n < due_count:
            kind = "write" if rng.random() < write_share else "read"
            token = rng.choice(write_tokens if kind == "write" else read_tokens)
            queue.put_nowait((start + n / rate, kind, request(kind, token, n)))
            n += 1
        await asyncio.sleep(min(0.002, max(0.0, start + n / rate - loop.time())))
    sent_rate = n / (loop.time() - start)
    for _ in workers:
        queue.put_nowait(None)
    _, pending = await asyncio.wait(workers, timeout=duration + 30)
    for task in pending:  # a saturated service: what is still queued is unfinished
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=5)

    def pct(xs: list[float], q: float) -> float | None:
        if not xs:
            return None
        xs = sorted(xs)
        return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 2)

    return {
        "offered_rps": round(sent_rate, 1),
        **{f"{k}_{name}": pct(v, q) for k, v in lat.items()
           for name, q in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99))},
        "reads": len(lat["read"]), "writes": len(lat["write"]), "errors": errors,
        "unfinished": n - len(lat["read"]) - len(lat["write"]) - sum(errors.values()),
        "connections": connections,
    }


def run_async(coro: Any) -> Any:
    """asyncio.run, on uvloop when it is installed (a cheaper load generator)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def server_flags(plain: bool = False) -> list[str]:
    """uvicorn's event loop and HTTP parser: uvloop and httptools when installed (what the
    generated service's deployment files run), for the service and the baseline alike;
    ``plain``: the pure-Python asyncio loop and h11 parser."""
    import importlib.util

    if not plain and importlib.util.find_spec("uvloop") and importlib.util.find_spec("httptools"):
        return ["--loop", "uvloop", "--http", "httptools"]
    return ["--loop", "asyncio", "--http", "h11"]


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def timeline_key_pattern(project: Path) -> str:
    """The Redis key of a user's timeline, from the generated app's own key builder."""
    code = ("from app.keys import Keys; from app.config import get_settings; "
            "print(Keys(get_settings().key_prefix).timeline(424242))")
    r = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True,
                       text=True, env=dict(os.environ, PYTHONPATH=str(project)), check=True)
    return r.stdout.strip()  # the user id 424242 is the placeholder


def wait_drained(rc, stream_group: tuple[str, str], timeout: float) -> float:
    """Seconds until the consumer group has no pending and no undelivered messages."""
    stream, group = stream_group
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        groups = {g["name"].decode(): g for g in rc.xinfo_groups(stream)}
        g = groups.get(group)
        if g is not None and g["pending"] == 0 and (g.get("lag") or 0) == 0:
            return time.perf_counter() - start
        time.sleep(0.02)
    raise RuntimeError("fan-out did not drain in time")


# --- main --------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=int, default=5, help="seconds per load phase")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--users", type=int, default=12_000)
    ap.add_argument("--tweets", type=int, default=20_000, help="seeded tweets")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--plain-server", action="store_true",
                    help="run both servers on asyncio + h11 instead of uvloop + httptools")
    args = ap.parse_args()
    if args.users < 10_002:
        ap.error("--users must be at least 10,002 (one author with 10,000 followers)")

    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed (Debian package wrk)", file=sys.stderr)
        return 2

    from sysdesign import derive_design, estimate, load_spec
    from sysdesign.scaffold.generator import scaffold
    from sysdesign.scaffold.sizing import deployment_sizing

    spec = load_spec(REPO / "examples" / "twitter.yaml")
    est = estimate(spec)
    design = derive_design(spec, est)
    sizing = deployment_sizing(spec, est, design)
    threshold = sizing["celebrity_threshold"]["value"]
    work = Path(tempfile.mkdtemp(prefix="sysdesign-load-"))
    results: dict[str, Any] = {"cores": os.cpu_count(), "spec": "examples/twitter.yaml",
                               "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    stack = bare = None
    try:
        project = work / "service"
        scaffold(spec, est, design, project)
        script = work / "bench.lua"
        script.write_text(WRK_SCRIPT)
        with postgres_server(max_connections=200) as pg, redis_server() as rd:
            env = service_env(project, pg.async_url, rd.url, JWT_SECRET=JWT_SECRET,
                              RATE_LIMIT_ENABLED="false")
            stack = Stack(project, work / "logs", env)
            stack.migrate()
            log("seeding the follower graph ...")
            edges, graph = build_graph(args.users, 3, threshold)
            t0 = time.perf_counter()
            asyncio.run(seed(pg.url, args.users, edges, threshold, args.tweets))
            graph["seed_seconds"] = round(time.perf_counter() - t0, 1)
            results["graph"] = graph
            flags = server_flags(args.plain_server)
            results["server_flags"] = " ".join(flags)
            (port,) = stack.start_api(1, flags)
            stack.start_workers(1)
            base = f"http://127.0.0.1:{port}"

            # Baseline: a bare FastAPI endpoint, its own uvicorn process, same flags.
            (work / "bare").mkdir()
            (work / "bare" / "bare_app.py").write_text(BARE_APP)
            bare_port = free_port()
            bare = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "bare_app:app", "--host", "127.0.0.1",
                 "--port", str(bare_port), "--no-access-log", *flags], cwd=work / "bare",
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_http(f"http://127.0.0.1:{bare_port}/ping", procs=[bare])
            log("baseline: bare FastAPI endpoint ...")
            results["bare"] = run_wrk(wrk, f"http://127.0.0.1:{bare_port}/ping", script,
                                      args.duration, args.connections)
            log(f"  {results['bare']}")
            bare.terminate()
            bare.wait(timeout=15)
            bare = None

            rng = random.Random(5)
            pool = list(range(10, args.users + 1))
            rng.shuffle(pool)
            hot_users, cold_users = pool[:500], pool[500:]
            import httpx

            log("warming 500 timelines ...")
            with httpx.Client(base_url=base, timeout=30) as c:
                for tok in mint_tokens(hot_users):
                    r = c.get("/api/v1/timeline", headers={"Authorization": f"Bearer {tok}"})
                    r.raise_for_status()
            hot_file, cold_file = work / "hot.txt", work / "cold.txt"
            hot_file.write_text("\n".join(mint_tokens(hot_users)) + "\n")
            cold_file.write_text("\n".join(mint_tokens(cold_users)) + "\n")

            log("timeline reads, cache hit ...")
            results["timeline_hit"] = hit = run_wrk(wrk, f"{base}/api/v1/timeline", script,
                                              args.duration, args.connections, hot_file)
            log(f"  {hit}")
            log("timeline reads, cache miss ...")
            miss = run_wrk(wrk, f"{base}/api/v1/timeline", script, args.duration,
                           args.connections, cold_file)
            miss["all_misses"] = miss["requests"] <= len(cold_users)
            results["timeline_miss"] = miss
            log(f"  {miss}")

            # Posts by ordinary authors (not the probe, not celebrities), then the fan-out.
            authors = [u for u in pool if u > 4][:2000]
            follower_counts = dict.fromkeys(authors, 0)
            for _, followee in edges:
                if followee in follower_counts:
                    follower_counts[followee] += 1
            post_file = work / "post.txt"
            post_tokens = mint_tokens(authors)
            post_file.write_text("\n".join(post_tokens) + "\n")
            rc = redis_client(rd.url)
            stream = stack.env.get("STREAM", "")
            log("tweet posts ...")
            t_start = time.perf_counter()
            posts = run_wrk(wrk, f"{base}/api/v1/tweets", script, args.duration,
                            args.connections, post_file, "POST", '{"text":"load #N#"}')
            results["posts"] = posts
            log(f"  {posts}")
            # The k-th request used token (k-1) % len(authors): count the inserts it caused.
            n_ok = posts["requests"] - posts["errors"]
            inserts = sum(follower_counts[authors[k % len(authors)]] + 1 for k in range(n_ok))
            del stream
            key_stream, group = _stream_names(project)
            drain = wait_drained(rc, (key_stream, group), timeout=300)
            elapsed = time.perf_counter() - t_start
            results["fanout_burst"] = {
                "tweets": n_ok, "timeline_inserts": inserts,
                "seconds_until_drained": round(elapsed, 2),
                "drain_after_load_s": round(drain, 2),
                "inserts_per_second": round(inserts / elapsed, 1),
            }

            # One tweet to 10,000 followers.
            log("fan-out of one tweet to 10,000 followers ...")
            pattern = timeline_key_pattern(project)
            last_key = pattern.replace("424242", "10001")
            (tok,) = mint_tokens([1])
            with httpx.Client(base_url=base, timeout=30) as c:
                t0 = time.perf_counter()
                r = c.post("/api/v1/tweets", json={"text": "to ten thousand"},
                           headers={"Authorization": f"Bearer {tok}"})
                r.raise_for_status()
                t_resp = time.perf_counter() - t0
                m = str(r.json()["id"]).zfill(20)
                while rc.zscore(last_key, m) is None:
                    if time.perf_counter() - t0 > 60:
                        raise RuntimeError("the 10K fan-out did not finish in 60 s")
                    time.sleep(0.002)
                t_done = time.perf_counter() - t0
            pipe = rc.pipeline(transaction=False)
            for uid in range(2, 10_002):
                pipe.zscore(pattern.replace("424242", str(uid)), m)
            delivered = sum(1 for x in pipe.execute() if x is not None)
            results["fanout_10k"] = {
                "followers": 10_000, "delivered": delivered,
                "post_response_ms": round(t_resp * 1000, 1),
                "seconds_to_last_follower": round(t_done, 3),
                "inserts_per_second": round(10_000 / t_done, 1),
            }

            # Open loop at the per-server load the estimate assigns, with the spec's mix.
            rate = float(sizing["per_replica_peak_qps"]["value"])
            q = est.to_dict()["qps"]
            write_share = q["write"] / (q["read"] + q["write"])
            log(f"open loop at {rate:.0f} req/s (per-server peak load) ...")
            ol = run_async(open_loop(base, rate, args.duration, mint_tokens(hot_users + pool[
                600:1100]), post_tokens[:500], write_share))
            ol["target_rps"] = rate
            ol["target_why"] = sizing["per_replica_peak_qps"]["why"]
            ol["write_share"] = round(write_share, 4)
            ol["slo"] = {s["action"]: {"quantile": s["quantile_name"], "ms": s["seconds"] * 1000}
                         for s in sizing["latency_slos"]}
            results["per_server_load"] = ol
            # The same mix at half the measured cache-hit throughput: the latency this process
            # gives at a load it can carry, whatever the estimate assumed.
            half = round(results["timeline_hit"]["rps"] / 2, 1)
            log(f"open loop at {half:.0f} req/s (half the measured hit throughput) ...")
            ol2 = run_async(open_loop(base, half, args.duration, mint_tokens(hot_users + pool[
                600:1100]), post_tokens[500:1000], write_share))
            ol2["target_rps"] = half
            ol2["target_why"] = "half the measured cache-hit throughput of one process"
            ol2["write_share"] = round(write_share, 4)
            ol2["slo"] = ol["slo"]
            results["half_capacity_load"] = ol2
    finally:
        if bare is not None and bare.poll() is None:
            bare.terminate()
            bare.wait(timeout=15)
        if stack is not None:
            stack.stop()
        shutil.rmtree(work, ignore_errors=True)

    results["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def _stream_names(project: Path) -> tuple[str, str]:
    code = ("from app.keys import Keys; from app.config import get_settings; "
            "k = Keys(get_settings().key_prefix); print(k.stream()); print(k.consumer_group())")
    r = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True,
                       text=True, env=dict(os.environ, PYTHONPATH=str(project)), check=True)
    stream, group = r.stdout.split()
    return stream, group


def report(r: dict[str, Any]) -> None:
    bare = r["bare"]["rps"]
    print(f"cores: {r['cores']}   spec: {r['spec']}   load average before "
          f"{r['loadavg_before']}, after {r['loadavg_after']}   uvicorn {r['server_flags']}")
    g = r["graph"]
    print(f"graph: {g['users']} users, {g['follows']} follows, mean {g['mean_followers']} "
          f"followers, median {g['median_followers']}, top {g['top5_followers']} "
          f"(celebrities {g['celebrities']}); seeded in {g['seed_seconds']} s")
    print(f"{'phase':<22}{'req/s':>10}{'x bare':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}")
    for name in ("bare", "timeline_hit", "timeline_miss", "posts"):
        x = r[name]
        print(f"{name:<22}{x['rps']:>10.1f}{x['rps'] / bare:>9.2f}{x['p50_ms']:>9.2f}"
              f"{x['p95_ms']:>9.2f}{x['p99_ms']:>9.2f}{x['errors']:>8}")
    if not r["timeline_miss"]["all_misses"]:
        print("  (miss phase ran out of cold users: part of it were hits)")
    fb = r["fanout_burst"]
    print(f"fan-out after the post burst: {fb['timeline_inserts']} timeline inserts for "
          f"{fb['tweets']} tweets, drained {fb['drain_after_load_s']} s after the load ended: "
          f"{fb['inserts_per_second']:.0f} inserts/s")
    f = r["fanout_10k"]
    print(f"one tweet to 10,000 followers: last follower after {f['seconds_to_last_follower']} s "
          f"({f['inserts_per_second']:.0f} inserts/s), delivered {f['delivered']}/10000, "
          f"post answered in {f['post_response_ms']} ms")
    for key in ("per_server_load", "half_capacity_load"):
        ol = r[key]
        print(f"open loop, offered {ol['offered_rps']} req/s (target {ol['target_rps']}: "
              f"{ol['target_why']}), write share {ol['write_share']}:")
        print(f"  reads  p50 {ol['read_p50_ms']} p95 {ol['read_p95_ms']} p99 {ol['read_p99_ms']} "
              f"ms ({ol['reads']} ok, {ol['errors']['read']} errors)")
        print(f"  writes p50 {ol['write_p50_ms']} p95 {ol['write_p95_ms']} p99 "
              f"{ol['write_p99_ms']} ms ({ol['writes']} ok, {ol['errors']['write']} errors)")
        if ol["unfinished"]:
            print(f"  {ol['unfinished']} requests still unanswered when the run was cut off")
    print(f"spec SLOs: {r['per_server_load']['slo']}")
    print(f"ratio timeline-hit / bare: {r['timeline_hit']['rps'] / bare:.2f} "
          f"(target >= 0.50)")


if __name__ == "__main__":
    sys.exit(main())
