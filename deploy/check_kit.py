#!/usr/bin/env python3
"""Checks that the operator kit fits together: the Grafana dashboard, the
Prometheus rules and their tests, fly.toml, the Dockerfiles and .dockerignore.

promtool checks each Prometheus file on its own (deploy/prometheus/check.sh
runs it); this script checks what no single tool sees: a dashboard panel
asking for a recording rule that does not exist, a rule without a test, a
metric name that Litmus does not export, fly.toml sending traffic to a port
the image does not listen on, or .dockerignore leaving out a file the build
needs.

    python3 deploy/check_kit.py [--metrics FILE]

With --metrics, FILE is the text of a running Litmus's /metrics page, and
every litmus_* metric the kit uses must be in it.

Standard library only (Python 3.11+, for tomllib).
"""

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")

# The metrics Litmus exports (DESIGN.md and internal/metrics): the contract
# the rules and the dashboard are written against.
COUNTERS = {
    "litmus_page_views_total", "litmus_visitors_total", "litmus_signups_total",
    "litmus_signups_rejected_total", "litmus_bot_requests_total",
    "litmus_uncounted_views_total", "litmus_db_commit_errors_total",
    "litmus_admin_login_failures_total", "litmus_page_reloads_total",
}
GAUGES = {"litmus_writer_queue_items", "litmus_pages", "litmus_build_info", "litmus_db_disk_free_bytes"}
HISTOGRAMS = {
    "litmus_http_request_duration_seconds", "litmus_db_commit_duration_seconds",
    "litmus_db_commit_items",
}
LITMUS_METRICS = COUNTERS | GAUGES | HISTOGRAMS
# Series that Prometheus or the standard collectors provide.
OTHER_SERIES = {"up", "process_start_time_seconds"}

RECORD_NAME = re.compile(r"\b[a-z_]+:litmus_[a-z0-9_]+:[a-z0-9_]+\b")
RAW_NAME = re.compile(r"(?<![:\w])litmus_[a-z0-9_]+\b(?!:)")


class Checks:
    """Checks runs named checks, prints one line each and keeps the count."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn):
        try:
            problems = fn()
        except (OSError, ValueError, KeyError, TypeError) as e:  # a file missing or malformed
            problems = [f"{type(e).__name__}: {e}"]
        if problems:
            self.failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"     - {p}")
        else:
            self.passed += 1
            print(f"ok   {name}")


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def base_metric(name):
    """base_metric maps a histogram's _bucket/_count/_sum series to its name."""
    for suffix in ("_bucket", "_count", "_sum"):
        if name.endswith(suffix) and name[: -len(suffix)] in HISTOGRAMS:
            return name[: -len(suffix)]
    return name


def unknown_metrics(text, where):
    """unknown_metrics lists litmus_* names in text that Litmus does not export."""
    text = RECORD_NAME.sub("", text)
    return [f"{where} uses {n}, which Litmus does not export"
            for n in sorted(set(RAW_NAME.findall(text))) if base_metric(n) not in LITMUS_METRICS]


def rule_names():
    rules = read("deploy/prometheus/rules.yml")
    records = re.findall(r"^\s*- record:\s*(\S+)", rules, re.M)
    alerts = re.findall(r"^\s*- alert:\s*(\S+)", rules, re.M)
    return rules, records, alerts


# ---------------------------------------------------------------- dashboard

def dashboard():
    return json.loads(read("deploy/grafana/litmus.json"))


def panels_of(dash):
    for p in dash["panels"]:
        yield p
        yield from p.get("panels", [])


def dashboard_exprs(dash):
    for p in panels_of(dash):
        for t in p.get("targets", []):
            yield p.get("title", "?"), t.get("expr", "")
    for a in dash.get("annotations", {}).get("list", []):
        if "expr" in a:
            yield "annotation " + a["name"], a["expr"]
    for v in dash["templating"]["list"]:
        q = v.get("query")
        if isinstance(q, dict):
            yield "variable " + v["name"], q.get("query", "")


def check_dashboard_shape():
    d, problems = dashboard(), []
    if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 36:
        problems.append("schemaVersion must be a number of at least 36 (Grafana 9+)")
    if d.get("uid") != "litmus":
        problems.append('uid must stay "litmus": links and provisioning rely on it')
    inputs = [i.get("name") for i in d.get("__inputs", [])]
    if inputs != ["DS_PROMETHEUS"]:
        problems.append(f"__inputs must declare exactly DS_PROMETHEUS, has {inputs}")
    variables = {v["name"]: v for v in d["templating"]["list"]}
    if variables.get("DS_PROMETHEUS", {}).get("type") != "datasource":
        problems.append("a datasource variable named DS_PROMETHEUS is needed when the file is provisioned rather than imported")
    page = variables.get("page", {})
    if not (page.get("multi") and page.get("includeAll") and page.get("allValue") == ".*"):
        problems.append('variable "page" must allow several pages and "All" (allValue ".*")')
    for a in d.get("annotations", {}).get("list", []):
        if "expr" in a and a.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
            problems.append(f'annotation "{a.get("name")}": datasource must be ${{DS_PROMETHEUS}}')
    ids, boxes = set(), []
    for p in panels_of(d):
        title = p.get("title") or f"panel {p.get('id')}"
        if not p.get("title"):
            problems.append(f"{title} has no title")
        if p.get("id") in ids:
            problems.append(f"{title}: id {p.get('id')} is used twice")
        ids.add(p.get("id"))
        g = p.get("gridPos", {})
        if not all(isinstance(g.get(k), int) for k in "xywh") or g["x"] + g["w"] > 24:
            problems.append(f"{title}: gridPos must have x, y, w, h and fit in 24 columns")
            continue
        for other_title, o in boxes:
            if g["x"] < o["x"] + o["w"] and o["x"] < g["x"] + g["w"] and g["y"] < o["y"] + o["h"] and o["y"] < g["y"] + g["h"]:
                problems.append(f"{title} overlaps {other_title}")
        boxes.append((title, g))
        if p["type"] in ("row", "text"):
            continue
        if p.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
            problems.append(f"{title}: datasource must be ${{DS_PROMETHEUS}}")
        targets = p.get("targets", [])
        if not targets:
            problems.append(f"{title} has no query")
        for t in targets:
            if not t.get("expr", "").strip():
                problems.append(f"{title}: query {t.get('refId')} is empty")
            if t.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
                problems.append(f"{title}: query {t.get('refId')} must use ${{DS_PROMETHEUS}}")
    return problems


def check_dashboard_names():
    _, records, _ = rule_names()
    problems = []
    for title, expr in dashboard_exprs(dashboard()):
        for name in RECORD_NAME.findall(expr):
            if name not in records:
                problems.append(f'"{title}" asks for {name}, which rules.yml does not record')
        problems += unknown_metrics(expr, f'"{title}"')
    return problems


def check_dashboard_covers_brief():
    """The panels a founder and an operator need are there."""
    exprs = " ".join(e for _, e in dashboard_exprs(dashboard()))
    wanted = [
        "page_variant:litmus_signup_conversion:ratio_rate1h",
        "page_variant:litmus_signup_conversion:ratio_rate1d",
        "page_variant:litmus_visitors:rate1h", "page_variant:litmus_signups:rate1h",
        "page_reason:litmus_signups_rejected:rate5m", "litmus_bot_requests_total",
        "route:litmus_http_request_duration_seconds:p50_rate5m",
        "route:litmus_http_request_duration_seconds:p95_rate5m",
        "route:litmus_http_request_duration_seconds:p99_rate5m",
        "job:litmus_db_commit_duration_seconds:p99_rate5m",
        "litmus_writer_queue_items", "litmus_build_info",
    ]
    return [f"no panel shows {w}" for w in wanted if w not in exprs]


# -------------------------------------------------------------------- rules

def check_rules_names():
    rules, records, _ = rule_names()
    problems = unknown_metrics(rules, "rules.yml")
    for name in RECORD_NAME.findall(rules):
        if name not in records:
            problems.append(f"rules.yml uses {name}, which it never records")
    for name in records:
        level, metric, ops = name.split(":")
        if metric.endswith("_total"):
            problems.append(f"{name}: drop _total from a rate's name (Prometheus naming)")
    return problems


def check_rules_tested():
    _, records, alerts = rule_names()
    tests = read("deploy/prometheus/rules_test.yml")
    missing = [r for r in records if not re.search(re.escape(r) + r"\b", tests)]
    missing += [a for a in alerts if not re.search(r"alertname:\s*" + re.escape(a) + r"\s*$", tests, re.M)]
    return [f"{m} has no test in rules_test.yml" for m in missing]


def check_alerts_explain():
    rules, _, alerts = rule_names()
    problems = []
    for block in re.split(r"^\s*- alert:\s*", rules, flags=re.M)[1:]:
        name = block.split()[0]
        for key in ("severity:", "summary:", "description:", "runbook:"):
            if key not in block:
                problems.append(f"{name} has no {key[:-1]}")
        sev = re.search(r"severity:\s*(\S+)", block)
        if sev and sev.group(1) not in ("critical", "warning", "info"):
            problems.append(f"{name}: severity {sev.group(1)} is not critical, warning or info")
    return problems


# ----------------------------------------------------------- fly and docker

def port_of(addr):
    return int(addr.rsplit(":", 1)[1])


def seconds(v):
    if isinstance(v, int):
        return v
    m = re.fullmatch(r"(\d+)(ms|s|m)", str(v))
    if not m:
        raise ValueError(f"cannot read duration {v!r}")
    n, unit = int(m.group(1)), m.group(2)
    return {"ms": n / 1000, "s": n, "m": n * 60}[unit]


def dockerfile_lines(path):
    """dockerfile_lines yields instructions with continuation lines joined."""
    text = read(path)
    text = re.sub(r"\\\n\s*", " ", text)
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def check_fly_toml():
    try:
        fly = tomllib.loads(read("fly.toml"))
    except tomllib.TOMLDecodeError as e:
        return [f"fly.toml is not valid TOML: {e}"]
    problems = []
    env = fly.get("env", {})
    http = fly.get("http_service", {})
    mounts = fly.get("mounts", {})
    metrics = fly.get("metrics", {})
    for key in ("app", "primary_region"):
        if not fly.get(key):
            problems.append(f"{key} is missing")
    if fly.get("kill_signal") != "SIGTERM":
        problems.append("kill_signal must be SIGTERM: Litmus shuts down cleanly on it")
    if seconds(fly.get("kill_timeout", 5)) <= 10:
        problems.append("kill_timeout must be longer than Litmus's 10-second shutdown")
    dockerfile = fly.get("build", {}).get("dockerfile", "Dockerfile")
    if not os.path.exists(os.path.join(ROOT, dockerfile)):
        problems.append(f"[build] dockerfile {dockerfile} does not exist")
    if fly.get("deploy", {}).get("strategy") in ("canary", "bluegreen"):
        problems.append("canary and bluegreen deploys need a second Machine, which a Machine with a volume cannot have")
    dest = mounts.get("destination", "")
    if not mounts.get("source") or not dest:
        problems.append("[mounts] needs source and destination: the database must live on a volume")
    elif not env.get("LITMUS_DB", "").startswith(dest.rstrip("/") + "/"):
        problems.append(f"LITMUS_DB {env.get('LITMUS_DB')!r} is not on the volume mounted at {dest}: the database would be lost at every deploy")
    for key in env:
        if re.search(r"PASSWORD|SECRET|TOKEN|ACCESS_KEY", key):
            problems.append(f"[env] {key} looks like a secret: use `fly secrets set`, fly.toml is public")
    if http.get("internal_port") != port_of(env.get("LITMUS_ADDR", ":8080")):
        problems.append("[http_service] internal_port is not the port of LITMUS_ADDR")
    if metrics.get("port") != port_of(env.get("LITMUS_METRICS_ADDR", ":9091")) or metrics.get("path") != "/metrics":
        problems.append("[metrics] must be LITMUS_METRICS_ADDR's port and /metrics")
    if metrics.get("port") == http.get("internal_port"):
        problems.append("metrics must not be on the public port")
    if http.get("auto_stop_machines") not in ("off", False):
        problems.append('auto_stop_machines should be "off": a cold start costs the first visitor and gaps the metrics')
    if http.get("min_machines_running", 0) < 1:
        problems.append("min_machines_running should be 1")
    checks = [c for c in http.get("checks", []) if c.get("path") == "/healthz"]
    if not checks:
        problems.append("[[http_service.checks]] must GET /healthz")
    elif http.get("force_https") and any(c.get("headers", {}).get("X-Forwarded-Proto") != "https" for c in checks):
        problems.append("with force_https, the /healthz check needs headers X-Forwarded-Proto = \"https\"")
    if not fly.get("vm"):
        problems.append("[[vm]] size is missing")
    return problems


def check_dockerfiles():
    fly = tomllib.loads(read("fly.toml"))
    env = fly.get("env", {})
    ports = {port_of(env.get("LITMUS_ADDR", ":8080")), port_of(env.get("LITMUS_METRICS_ADDR", ":9091"))}
    problems = []
    for path in ("Dockerfile", "deploy/Dockerfile.litestream"):
        lines = list(dockerfile_lines(path))
        text = "\n".join(lines)
        if not any(l.startswith("FROM golang:") for l in lines):
            problems.append(f"{path}: no golang build stage")
        if "CGO_ENABLED=1" not in text:
            problems.append(f"{path}: go-sqlite3 needs CGO_ENABLED=1")
        for flag in ("-X main.version=", "-X main.revision="):
            if flag not in text:
                problems.append(f"{path}: build does not set {flag.split()[1].rstrip('=')}")
        final = text[text.rindex("\nFROM "):]
        if "FROM debian:" not in final and "distroless/base" not in final:
            problems.append(f"{path}: the runtime image needs glibc (debian or distroless/base)")
        if not re.search(r"^USER 10001\b", final, re.M):
            problems.append(f"{path}: must run as the unprivileged user 10001")
        exposed = {int(p) for l in lines if l.startswith("EXPOSE") for p in l.split()[1:]}
        if not ports <= exposed:
            problems.append(f"{path}: EXPOSE {sorted(exposed)} does not include fly.toml's ports {sorted(ports)}")
        if "LITMUS_DB=/data/" not in final:
            problems.append(f"{path}: LITMUS_DB should default to the /data volume")
        if not re.search(r'^ENTRYPOINT \[', final, re.M):
            problems.append(f"{path}: ENTRYPOINT must be in exec form so signals reach Litmus")
    return problems


def ignore_patterns():
    pats = []
    for line in read(".dockerignore").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!"):
            raise ValueError("check_kit.py does not understand ! exceptions in .dockerignore")
        pats.append(line.strip("/"))
    return pats


def ignored(path, pats):
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pat in pats:
        if pat.startswith("**/"):
            tail = pat[3:]
            if any(fnmatch.fnmatchcase(p, tail) for p in parts):
                return pat
        elif any(fnmatch.fnmatchcase(p, pat) for p in prefixes):
            return pat
    return None


def tracked_files():
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return out.splitlines()
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(ROOT):
            dirs[:] = [x for x in dirs if x != ".git"]
            files += [os.path.relpath(os.path.join(d, n), ROOT) for n in names]
        return files


def check_dockerignore():
    pats, problems = ignore_patterns(), []
    copied = []
    for path in ("Dockerfile", "deploy/Dockerfile.litestream"):
        for l in dockerfile_lines(path):
            if l.startswith("COPY") and "--from=" not in l:
                args = [a for a in l.split()[1:] if not a.startswith("--")]
                copied += [a for a in args[:-1] if a != "."]
    for src in copied:
        if ignored(src, pats):
            problems.append(f".dockerignore leaves out {src}, which a Dockerfile copies")
    skip = (".ci/", ".git", "deploy/grafana/", "deploy/prometheus/")
    for f in tracked_files():
        if f.startswith(skip) or "/testdata/" in f or f.endswith("_test.go"):
            continue
        pat = ignored(f, pats)
        if pat:
            problems.append(f".dockerignore pattern {pat!r} leaves out {f}, which the build may need")
    for secret in ("data/litmus.db", "pages/mine.db", "internal/x/y.db-wal", ".env", "deploy/.env.prod"):
        if not ignored(secret, pats):
            problems.append(f".dockerignore lets {secret} into the image")
    return problems


# ------------------------------------------------------------- live metrics

def check_live_metrics(path):
    def fn():
        with open(path, encoding="utf-8") as f:
            text = f.read()
        declared = dict(re.findall(r"^# TYPE (\S+) (\S+)", text, re.M))
        problems = []
        want = {"counter": COUNTERS, "gauge": GAUGES, "histogram": HISTOGRAMS}
        for kind, names in want.items():
            for n in sorted(names):
                if n not in declared:
                    problems.append(f"{n} is not exported; the rules and dashboard use it")
                elif declared[n] != kind:
                    problems.append(f"{n} is a {declared[n]}, the kit expects a {kind}")
        if not re.search(r'^litmus_build_info\{[^}]*version="[^"]+"', text, re.M):
            problems.append("litmus_build_info has no version label")
        return problems
    return fn


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--metrics", help="a saved /metrics page of a running Litmus")
    args = ap.parse_args()
    c = Checks()
    c.run("dashboard is well-formed for Grafana", check_dashboard_shape)
    c.run("dashboard asks only for recorded rules and exported metrics", check_dashboard_names)
    c.run("dashboard has the conversion, traffic and health panels", check_dashboard_covers_brief)
    c.run("rules use exported metrics and their own recorded names", check_rules_names)
    c.run("every rule and alert has a test", check_rules_tested)
    c.run("every alert has a severity, summary, description and runbook", check_alerts_explain)
    c.run("fly.toml is consistent and safe", check_fly_toml)
    c.run("Dockerfiles build with cgo and run Litmus unprivileged on the right ports", check_dockerfiles)
    c.run(".dockerignore keeps data and secrets out, and sources in", check_dockerignore)
    if args.metrics:
        c.run(f"{args.metrics} exports every metric the kit uses", check_live_metrics(args.metrics))
    print(f"kit: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
