"""The benchmark: builds a generated district through the real CLI and reports a table and JSON.

    python bench/run.py --schools 1000 --languages 10          # the targets' size
    python bench/run.py --schools 200 --languages 5 --quick     # a smoke run: cold and no-change only

For `--jobs 1` and `--jobs <cores>` it measures a cold build (no previous output), a
rebuild with nothing changed, a rebuild after editing one school, one after editing
one translation and one the next day (no edit): wall time, CPU time of the whole
process tree, peak memory of the tree (PSS, see bench/memory.py) and pages per second.
`--flyer-schools` measures a smaller district with flyers: a cold build, a no-change
rebuild, a rebuild with only the flyer cache kept, and the CPU the flyers (with their
share cards) add to a cold build. `--scale` adds cold builds at three sizes in schools
and in languages, to see how cost grows. The machine's load is recorded with every
number: other work on the machine slows builds down.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.generate import generate  # noqa: E402
from bench.memory import TreeSampler  # noqa: E402
from firstdoor.fingerprint import tree_digest  # noqa: E402
from firstdoor.state import build_folder  # noqa: E402
from firstdoor.parallel import default_jobs  # noqa: E402

TODAY = "2026-11-23"
NEXT_DAY = "2026-11-24"
"""`next-day`: the first build of the next day, with no edit (the staff's first preview each morning)."""
TARGETS = {"cold": 8.0, "no-change": 1.5, "one-school": 1.5, "one-translation": 3.0}
"""Seconds, for 1,000 schools in 10 languages with 2 jobs on a 2-core machine."""
MEMORY_TARGET_MB = 1024
FLYER_TARGETS = {"cpu_per_flyer": 0.35, "no-change_1000_flyers": 2.0}
"""Seconds, on a 2-core machine: CPU per flyer in a cold build; a no-change rebuild with 1,000 flyers cached."""


@dataclass
class Measure:
    """One build, measured."""

    step: str
    schools: int
    languages: int
    jobs: int
    seconds: float
    cpu_seconds: float
    peak_pss_mb: float
    peak_rss_mb: float
    pages: int
    files: int
    load: float
    """1-minute load average just before the build."""
    ok: bool

    @property
    def pages_per_second(self) -> float:
        """Pages over wall time."""
        return self.pages / self.seconds if self.seconds else 0.0


def build(site: Path, out: Path, jobs: int, step: str, schools: int, languages: int,
          *extra: str, pdf: bool = False) -> Measure:
    """Run `firstdoor build` as a user would (without flyers unless `pdf`), measuring the whole process tree."""
    command = [sys.executable, "-m", "firstdoor", "build", "--site", str(site), "--out", str(out),
               "--jobs", str(jobs), "--today", TODAY, *(() if pdf else ("--no-pdf",)), *extra]
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    sampler = TreeSampler(process.pid).start()
    output, errors = process.communicate()
    seconds = time.perf_counter() - start
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if process.returncode != 0:
        print(errors, file=sys.stderr)
    pages = re.search(r"built (\d+) pages", output)
    files = sum(1 for p in out.rglob("*") if p.is_file()) if out.is_dir() else 0
    return Measure(step, schools, languages, jobs, round(seconds, 2), round(cpu, 2), round(sampler.peak_pss_mb),
                   round(sampler.peak_rss_mb), int(pages.group(1)) if pages else 0, files, round(load, 2),
                   process.returncode == 0)


def clean_output(out: Path) -> None:
    """Remove an output folder and its build state (the next build is cold)."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(build_folder(out), ignore_errors=True)


def edit_school(site: Path, round_: int) -> None:
    """Change one sentence of one school's description."""
    path = sorted((site / "content" / "schools").glob("*.yaml"))[len(round_ * "x") % 7]
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(description: \|\n  )", rf"\1Edit {round_}. ", text, count=1)
    path.write_text(text, encoding="utf-8")


def edit_translation(site: Path, round_: int) -> None:
    """Change one translated content entry of one language (the second language of the site)."""
    folder = sorted(p for p in (site / "translations").iterdir() if p.is_dir())[0]
    path = folder / "LC_MESSAGES" / "content.po"
    text = path.read_text(encoding="utf-8")
    index = text.index('msgctxt "schools/')
    at = text.index('msgstr "', index) + len('msgstr "')
    path.write_text(text[:at] + f"Edit {round_}. " + text[at:], encoding="utf-8")


def site_for(work: Path, schools: int, languages: int, seed: int) -> Path:
    """A generated district, reused when one of the same size and seed exists (and the same templates:
    the catalogs hold their strings)."""
    site = work / f"site-{schools}x{languages}-s{seed}"
    stamp = site / ".bench-params"
    wanted = f"{schools} {languages} {seed} {tree_digest([REPO / 'templates'])}"
    if not (stamp.is_file() and stamp.read_text() == wanted):
        generate(site, schools, languages, seed)
        stamp.write_text(wanted)
    return site


def measure_size(work: Path, schools: int, languages: int, seed: int, jobs_list: list[int],
                 full: bool, edits: bool = True) -> list[Measure]:
    """Cold (and, with `full`, incremental: no-change, and with `edits` the two edits) builds of one size,
    for each jobs value."""
    site = site_for(work, schools, languages, seed)
    results = []
    for jobs in jobs_list:
        out = work / f"out-{schools}x{languages}-j{jobs}"
        clean_output(out)
        results.append(build(site, out, jobs, "cold", schools, languages))
        if not full:
            continue
        results.append(build(site, out, jobs, "no-change", schools, languages))
        if not edits:
            continue
        edit_school(site, jobs)
        results.append(build(site, out, jobs, "one-school", schools, languages))
        edit_translation(site, jobs)
        results.append(build(site, out, jobs, "one-translation", schools, languages))
        results.append(build(site, out, jobs, "next-day", schools, languages, "--today", NEXT_DAY))
    return results


def measure_flyers(work: Path, schools: int, languages: int, seed: int, jobs: int) -> list[Measure]:
    """Builds of a smaller district with flyers: cold, no-change, and with only the flyer cache kept.

    `flyers-cached` deletes the output and its build state but keeps `.firstdoor-cache/`: every
    flyer and card is planned and read back from the cache (the path of a rebuild after any
    edit), where `flyers-no-change` stops before planning anything. `flyers-base` is the same
    district built cold without flyers, so that the flyers' own CPU is the difference.
    """
    site = site_for(work, schools, languages, seed)
    out = work / f"out-flyers-{schools}x{languages}"
    base_out = work / f"out-flyers-base-{schools}x{languages}"
    clean_output(base_out)
    base = build(site, base_out, jobs, "flyers-base", schools, languages)
    clean_output(out)
    shutil.rmtree(site / ".firstdoor-cache", ignore_errors=True)  # the flyers' own cache: cold means empty
    cold = build(site, out, jobs, "flyers-cold", schools, languages, pdf=True)
    again = build(site, out, jobs, "flyers-no-change", schools, languages, pdf=True)
    clean_output(out)
    cached = build(site, out, jobs, "flyers-cached", schools, languages, pdf=True)
    return [base, cold, again, cached]


def flyer_cpu(results: list[Measure], pdfs: int, cards: int) -> dict[str, float]:
    """CPU seconds that the flyers (and the share cards made with them) added to a cold build."""
    cold = next(m for m in results if m.step == "flyers-cold")
    base = next(m for m in results if m.step == "flyers-base")
    extra = max(0.0, cold.cpu_seconds - base.cpu_seconds)
    return {"cpu_seconds": round(extra, 2), "per_flyer": round(extra / pdfs, 3) if pdfs else 0.0,
            "per_pdf_with_cards": round(extra / (pdfs + cards), 3) if pdfs + cards else 0.0}


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30 if hasattr(os, "sysconf") else 0
    return {"cpu": cpu, "cores": default_jobs(), "memory_gb": round(memory, 1), "python": platform.python_version(),
            "system": platform.platform()}


def table(results: list[Measure], pdfs: int | None) -> str:
    """The results as a Markdown table."""
    lines = ["| step | schools × languages | jobs | wall s | CPU s | peak PSS MB | pages | pages/s | load |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for m in results:
        lines.append(f"| {m.step}{'' if m.ok else ' (FAILED)'} | {m.schools} × {m.languages} | {m.jobs} | "
                     f"{m.seconds:.2f} | {m.cpu_seconds:.2f} | {m.peak_pss_mb:.0f} | {m.pages} | "
                     f"{m.pages_per_second:.0f} | {m.load:.2f} |")
    if pdfs is not None:
        lines.append(f"\nflyers (PDF files) in the flyer build: {pdfs}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--languages", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", default=None, help="comma-separated jobs values (default: 1 and all cores)")
    parser.add_argument("--flyer-schools", type=int, default=0, help="also measure flyers on this many schools")
    parser.add_argument("--scale", action="store_true", help="also cold builds at 3 sizes (schools, languages)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/firstdoor-bench"), help="where sites are built")
    parser.add_argument("--quick", action="store_true", help="only a cold build and a no-change rebuild")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    jobs_list = [int(j) for j in args.jobs.split(",")] if args.jobs else sorted({1, default_jobs()})
    args.work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    results = measure_size(args.work, args.schools, args.languages, args.seed, jobs_list, full=True,
                           edits=not args.quick)
    if args.scale:
        for schools in (args.schools // 4, args.schools // 2):
            results += measure_size(args.work, schools, args.languages, args.seed, [max(jobs_list)], full=False)
        for languages in (max(2, args.languages // 3), max(3, 2 * args.languages // 3)):
            results += measure_size(args.work, args.schools, languages, args.seed, [max(jobs_list)], full=False)
    pdfs = cards = None
    if args.flyer_schools:
        flyers = measure_flyers(args.work, args.flyer_schools, args.languages, args.seed, max(jobs_list))
        results += flyers
        out = args.work / f"out-flyers-{args.flyer_schools}x{args.languages}"
        pdfs = sum(1 for _ in out.rglob("*.pdf"))
        cards = sum(1 for path in out.rglob("*.png") if "/cards/" in path.as_posix())
    report = {"started": started, "machine": machine(), "targets_seconds": TARGETS,
              "memory_target_mb": MEMORY_TARGET_MB, "flyer_targets_seconds": FLYER_TARGETS, "flyer_pdfs": pdfs, "share_card_pngs": cards,
              "flyer_cpu": flyer_cpu(results, pdfs, cards or 0) if pdfs else None,
              "results": [dict(asdict(m), pages_per_second=round(m.pages_per_second, 1)) for m in results]}
    print(table(results, pdfs))
    if pdfs:
        print(f"share cards (PNG) in the flyer build: {cards}; CPU that flyers and cards added to the cold "
              f"build: {report['flyer_cpu']['cpu_seconds']:.1f} s, {report['flyer_cpu']['per_flyer']:.3f} s per "
              f"flyer (cards included), {report['flyer_cpu']['per_pdf_with_cards']:.3f} s per PDF or card")
    print(f"\nmachine: {report['machine']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
