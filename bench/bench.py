"""Benchmark lambda-fix on a generated monorepo, against hadolint.

Usage: python bench/bench.py [--runs N] [--out DIR] [--sizes A,B] [--timed N]

Generates monorepos of 1,000, 5,000, 10,000 and 30,000 Dockerfiles (with
CDK, SAM and Serverless files) under bench/out/. On the one of 10,000 it
times `lambda-fix --check` against hadolint in alternating runs, with
hadolint run over the same files in batches through xargs, one batch per
CPU at a time. It also times `lambda-fix --version` and records the peak
memory of lambda-fix's process tree at each size. Prints a Markdown report
to stdout. Run it by hand or with `make bench`, never from the tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
# Memory is measured at each size; time, against hadolint, at TIMED.
SIZES = (1_000, 5_000, 10_000, 30_000)
TIMED = 10_000

# Dockerfile shapes. Each is a function of a random generator and an index,
# so the same seed always produces the same tree.


def _single(rng: random.Random, index: int) -> str:
    runtime = rng.choice(["python:3.12", "nodejs:20", "java:21", "ruby:3.3"])
    return (
        f"FROM public.ecr.aws/lambda/{runtime}\n"
        f"COPY requirements.txt ${{LAMBDA_TASK_ROOT}}/\n"
        f"RUN pip install -r requirements.txt --target ${{LAMBDA_TASK_ROOT}}\n"
        f"COPY src/ ${{LAMBDA_TASK_ROOT}}/\n"
        f'CMD ["service_{index}.handler"]\n'
    )


def _multi_stage(rng: random.Random, index: int) -> str:
    version = rng.choice(["1.22", "1.23"])
    return (
        "# syntax=docker/dockerfile:1\n"
        "ARG BASE=public.ecr.aws/lambda/provided:al2023\n"
        f"FROM golang:{version} AS build\n"
        "WORKDIR /src\n"
        "COPY go.mod go.sum ./\n"
        "RUN --mount=type=cache,target=/go/pkg/mod go mod download\n"
        "COPY . .\n"
        "RUN CGO_ENABLED=0 go build -tags lambda.norpc -o /out/bootstrap "
        f"./cmd/svc{index}\n"
        "\n"
        "FROM ${BASE} AS runtime\n"
        "COPY --from=build /out/bootstrap ${LAMBDA_RUNTIME_DIR}/bootstrap\n"
        'CMD ["handler"]\n'
    )


def _heredoc(rng: random.Random, index: int) -> str:
    return (
        "# syntax=docker/dockerfile:1.7\n"
        "FROM public.ecr.aws/lambda/nodejs:20\n"
        "RUN <<EOF\n"
        "set -eu\n"
        "dnf install -y tar gzip\n"
        "dnf clean all\n"
        "EOF\n"
        "COPY <<EOF ${LAMBDA_TASK_ROOT}/config.json\n"
        f'{{"service": {index}, "region": "{rng.choice(["eu", "us"])}"}}\n'
        "EOF\n"
        "COPY dist/ ${LAMBDA_TASK_ROOT}/\n"
        'CMD ["index.handler"]\n'
    )


def _continuations(rng: random.Random, index: int) -> str:
    packages = " \\\n    ".join(f"pkg{n}-{index}" for n in range(rng.randint(20, 60)))
    return (
        "FROM public.ecr.aws/lambda/python:3.11\n"
        "RUN yum install -y \\\n"
        "    gcc \\\n"
        "    # compilers for native wheels\n"
        "    make \\\n"
        f"    {packages} \\\n"
        "    && yum clean all\n"
        "USER root\n"
        "COPY app.py ${LAMBDA_TASK_ROOT}\n"
        'CMD ["app.handler"]\n'
    )


def _crlf(rng: random.Random, index: int) -> str:
    text = _single(rng, index)
    return text.replace("\n", "\r\n")


def _web_app(rng: random.Random, index: int) -> str:
    return (
        f"FROM node:{rng.choice(['18', '20', '22'])}-alpine\n"
        "WORKDIR /app\n"
        "COPY package*.json ./\n"
        "RUN npm ci --omit=dev\n"
        "COPY . .\n"
        "EXPOSE 3000\n"
        'CMD ["node", "server.js"]\n'
    )


def _custom_runtime(rng: random.Random, index: int) -> str:
    return (
        "FROM python:3.12-slim\n"
        "WORKDIR /function\n"
        "RUN pip install --target /function awslambdaric\n"
        "COPY . .\n"
        'ENTRYPOINT ["/usr/local/bin/python", "-m", "awslambdaric"]\n'
        f'CMD ["svc{index}.handler"]\n'
    )


def _non_root(rng: random.Random, index: int) -> str:
    return _single(rng, index).replace("CMD", "USER 1001:1001\nCMD", 1)


SHAPES = (
    (_single, 30),
    (_multi_stage, 15),
    (_heredoc, 10),
    (_continuations, 10),
    (_crlf, 10),
    (_web_app, 10),
    (_custom_runtime, 5),
    (_non_root, 10),
)


def generate(root: Path, count: int, seed: int = 4) -> list[Path]:
    """Write a monorepo with `count` Dockerfiles; return their paths."""
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    shapes = [shape for shape, _ in SHAPES]
    weights = [weight for _, weight in SHAPES]
    dockerfiles = []
    for index in range(count):
        directory = root / "services" / f"team-{index % 50:02d}" / f"svc-{index:05d}"
        directory.mkdir(parents=True)
        (directory / "handler.py").write_text("def handler(event, context): ...\n")
        shape = rng.choices(shapes, weights)[0]
        path = directory / "Dockerfile"
        path.write_bytes(shape(rng, index).encode())
        dockerfiles.append(path)
    _write_infra(root, count)
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "node_modules" / "x" / "Dockerfile").write_text("FROM scratch\n")
    (root / ".gitignore").write_text("dist/\n*.local.Dockerfile\n")
    # A repository of its own, as a monorepo is, so that the .gitignore of
    # any repository around bench/out does not apply.
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return dockerfiles


def _write_infra(root: Path, count: int) -> None:
    cdk = root / "infra" / "cdk"
    cdk.mkdir(parents=True)
    (cdk / "cdk.json").write_text('{"app": "python3 app.py"}\n')
    calls = "\n".join(
        f"        _lambda.DockerImageFunction(self, 'F{n}', "
        "code=_lambda.DockerImageCode"
        f".from_image_asset(str(ROOT / 'services' / 'team-{n % 50:02d}' / "
        f"'svc-{n:05d}')))"
        for n in range(0, count, max(1, count // 40))
    )
    (cdk / "app.py").write_text(
        "from pathlib import Path\n"
        "from aws_cdk import Stack\n"
        "from aws_cdk import aws_lambda as _lambda\n"
        "ROOT = Path(__file__).parent.parent.parent\n"
        "class Api(Stack):\n"
        "    def __init__(self, scope, name):\n"
        "        super().__init__(scope, name)\n"
        f"{calls}\n"
    )
    resources = "".join(
        f"  Fn{n}:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      PackageType: Image\n"
        "      Role: !GetAtt Role.Arn\n"
        "    Metadata:\n"
        f"      DockerContext: services/team-{n % 50:02d}/svc-{n:05d}\n"
        "      Dockerfile: Dockerfile\n"
        for n in range(1, count, max(1, count // 40))
    )
    (root / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n" + resources
    )
    (root / "serverless.yml").write_text(
        "service: bench\nprovider:\n  name: aws\n  ecr:\n    images:\n"
        "      worker:\n        path: workers\n        file: worker.build\n"
        "        buildOptions: ['--target', 'runtime']\n"
    )
    (root / "workers").mkdir()
    (root / "workers" / "worker.build").write_text(_multi_stage(random.Random(0), 0))


def _tree_rss_kib(pid: int) -> int:
    """Sum the RSS of a process and all its descendants, from /proc.

    Pages that forked workers share with the parent count once per process,
    so this overstates the memory in use; ru_maxrss is reported beside it.
    """
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


@dataclass
class Measurement:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and its children
    peak_rss: int = 0  # KiB, summed over the process tree, sampled
    max_rss: int = 0  # KiB, of the largest single process (ru_maxrss)
    code: int = 0


def measure(command: list[str], cwd: Path, sample_memory: bool = False) -> Measurement:
    """Run a command to the end and measure its time and, if asked, memory."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    result = Measurement(0.0, 0.0)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            result.peak_rss = max(result.peak_rss, _tree_rss_kib(process.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    if sample_memory:
        sampler.start()
    # wait4 returns the usage of this child and the children it waited for.
    _, status, usage = os.wait4(process.pid, 0)
    result.wall = time.perf_counter() - start
    process.returncode = result.code = os.waitstatus_to_exitcode(status)
    done.set()
    if sample_memory:
        sampler.join()
    result.cpu = usage.ru_utime + usage.ru_stime
    result.max_rss = usage.ru_maxrss
    return result


def hadolint_command(files_list: Path, jobs: int) -> list[str]:
    hadolint = BIN / "hadolint"
    return [
        "sh",
        "-c",
        f"xargs -0 -n 250 -P {jobs} {hadolint} --no-fail < {files_list}",
    ]


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"- nproc: {os.cpu_count()}\n- CPU: {cpu}\n"
        f"- Python: {platform.python_version()}\n- OS: {platform.platform()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="alternating runs")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="comma-separated Dockerfile counts at which memory is measured",
    )
    parser.add_argument(
        "--timed",
        type=int,
        default=TIMED,
        help="the Dockerfile count timed against hadolint",
    )
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")} | {args.timed})
    lambda_fix = str(BIN / "lambda-fix")
    jobs = os.cpu_count() or 1

    trees = {}
    for size in sizes:
        root = args.out / f"mono-{size}"
        files = generate(root, size)
        listing = args.out / f"files-{size}.txt"
        listing.write_bytes(b"\0".join(str(f).encode() for f in files) + b"\0")
        trees[size] = (root, listing)

    biggest, listing = trees[args.timed]
    runs: dict[str, list[Measurement]] = {"ours": [], "ours-1": [], "hadolint": []}
    for _ in range(args.runs):
        ours = measure([lambda_fix, "--check", "-q", "."], biggest)
        assert ours.code in (0, 1), f"lambda-fix exited {ours.code}"
        runs["ours"].append(ours)
        single = measure([lambda_fix, "--check", "-q", "--jobs", "1", "."], biggest)
        runs["ours-1"].append(single)
        theirs = measure(hadolint_command(listing, jobs), biggest)
        assert theirs.code == 0, f"hadolint exited {theirs.code}"
        runs["hadolint"].append(theirs)

    startup = [measure([lambda_fix, "--version"], ROOT).wall for _ in range(20)]
    memory = {}
    for size, (root, _) in trees.items():
        samples = [
            measure([lambda_fix, "--check", "-q", "."], root, sample_memory=True)
            for _ in range(3)
        ]
        single_runs = [
            measure([lambda_fix, "--check", "-q", "--jobs", "1", "."], root)
            for _ in range(3)
        ]
        memory[size] = (
            max(m.peak_rss for m in samples),
            max(m.max_rss for m in samples),
            max(m.max_rss for m in single_runs),
        )
    _print_report(args.runs, jobs, args.timed, runs, startup, memory)


def _print_report(
    count: int,
    jobs: int,
    timed: int,
    runs: dict[str, list[Measurement]],
    startup: list[float],
    memory: dict[int, tuple[int, int, int]],
) -> None:
    median = statistics.median

    def wall(name: str) -> float:
        return median(m.wall for m in runs[name])

    def cpu(name: str) -> float:
        return median(m.cpu for m in runs[name])

    print("## Machine\n")
    print(machine())
    print(f"- load average after the runs: {os.getloadavg()[0]:.1f}")
    print(f"\n## {timed:,} Dockerfiles, {count} alternating runs (median)\n")
    print("| command | wall (s) | CPU, user + system (s) |\n|---|---|---|")
    rows = (
        (f"`lambda-fix --check -q .` (--jobs {jobs})", "ours"),
        ("`lambda-fix --check -q --jobs 1 .`", "ours-1"),
        (f"hadolint, `xargs -n 250 -P {jobs}`", "hadolint"),
    )
    for label, name in rows:
        print(f"| {label} | {wall(name):.2f} | {cpu(name):.2f} |")
    print(
        f"\nlambda-fix is {wall('hadolint') / wall('ours'):.0f} times faster in "
        f"wall time and uses {cpu('hadolint') / cpu('ours'):.0f} times less CPU."
    )
    print(
        f"\n## Start-up\n\n`lambda-fix --version`: median "
        f"{median(startup) * 1000:.0f} ms, max {max(startup) * 1000:.0f} ms "
        f"over {len(startup)} runs."
    )
    print("\n## Peak memory (max of 3 runs, MiB)\n")
    print(
        f"| Dockerfiles | RSS sum of the tree, --jobs {jobs} "
        f"| largest process, --jobs {jobs} | --jobs 1 |\n|---|---|---|---|"
    )
    for size, (tree, largest, single) in memory.items():
        print(
            f"| {size:,} | {tree / 1024:.0f} | {largest / 1024:.0f} "
            f"| {single / 1024:.0f} |"
        )


if __name__ == "__main__":
    main()
