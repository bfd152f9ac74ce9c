"""Three OCR engines side by side on the labelled screenshot set: right verdicts, then time.

    python bench/ocr_engines.py [--rounds N] [--engines pytesseract,tesserocr,rapidocr]

Engines:
- pytesseract: the ``tesseract`` command, one process (and one model load) per pass;
- tesserocr: Tesseract inside the process, one PyTessBaseAPI per language set, made once
  (what each worker of the checker's pool does), with the same passes;
- rapidocr: ONNX Runtime with the PP-OCR models inside the ``rapidocr`` wheel (Chinese and
  English; Korean and Cyrillic models are downloads, which this project never makes).

Every engine's text goes through the same language decision (intake.language.analyse) and
the same verdict rules. Each image is read ``--rounds`` times after a warm-up; the figures
are per image: wall time (median of the rounds) and CPU time (this process and its
children, so the tesseract command's work counts). One core per engine (OMP_THREAD_LIMIT=1,
ONNX Runtime with one thread), as in a pool worker.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from PIL import Image  # noqa: E402

from intake.attachments import ocr, policy  # noqa: E402
from intake.language import analyse  # noqa: E402
from tests.attachments import factories  # noqa: E402
from tests.attachments.screenshots import SCREENSHOTS, right  # noqa: E402

Reader = Callable[[Image.Image], policy.Verdict]


class PytesseractEngine:
    """The passes through the ``tesseract`` command, as the checker ran them before."""

    def words(self, image: Image.Image, lang: str, timeout_s: float) -> tuple[str, int, int]:
        import pytesseract

        data = pytesseract.image_to_data(
            image,
            lang=lang,
            config="--psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=timeout_s,
        )
        lines: dict[tuple[int, int, int], list[str]] = {}
        sure = unsure = 0
        for i, word in enumerate(data["text"]):
            word = word.strip()
            if not word:
                continue
            if float(data["conf"][i]) < 55:
                unsure += 1
                continue
            sure += 1
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(word)
        return "\n".join(" ".join(words) for words in lines.values()), sure, unsure

    def script(self, image: Image.Image) -> tuple[str, float] | None:
        import pytesseract

        try:
            osd = pytesseract.image_to_osd(
                image, config="--psm 0", timeout=20, output_type=pytesseract.Output.DICT
            )
        except (pytesseract.TesseractError, RuntimeError):
            return None
        return osd.get("script", ""), float(osd.get("script_conf", 0))


def _verdict(guess) -> policy.Verdict:
    return policy._from_guess(guess, "the image")


def pytesseract_reader() -> Reader:
    engine = PytesseractEngine()
    return lambda image: _verdict(ocr.read_image(image, engine).guess)


def tesserocr_reader() -> Reader:
    ocr.warm()
    return lambda image: _verdict(ocr.read_image(image).guess)


def rapidocr_reader() -> Reader:
    from rapidocr import RapidOCR

    engine = RapidOCR(
        params={
            "Global.log_level": "critical",
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )

    def read(image: Image.Image) -> policy.Verdict:
        result = engine(image.convert("RGB"))
        lines = [
            text
            for text, score in zip(result.txts or (), result.scores or (), strict=False)
            if score >= 0.6
        ]
        return _verdict(analyse("\n".join(lines), ocr=True))

    return read


ENGINES: dict[str, Callable[[], Reader]] = {
    "pytesseract": pytesseract_reader,
    "tesserocr": tesserocr_reader,
    "rapidocr": rapidocr_reader,
}


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def measure(name: str, rounds: int, images: dict[str, Image.Image]) -> dict[str, object]:
    try:
        started = time.perf_counter()
        read = ENGINES[name]()
        load_s = time.perf_counter() - started
    except Exception as exc:  # not installed here: say so and go on
        return {"engine": name, "error": f"{type(exc).__name__}: {exc}"}
    read(images["english dialog"])  # warm-up
    rows = []
    for label, image in images.items():
        expected = SCREENSHOTS[label][1]
        walls, cpus, verdict = [], [], None
        for _ in range(rounds):
            cpu0, wall0 = _cpu(), time.perf_counter()
            verdict = read(image)
            walls.append(time.perf_counter() - wall0)
            cpus.append(_cpu() - cpu0)
        assert verdict is not None
        ok = right(expected, verdict.verdict, verdict.language)
        rows.append((label, ok, statistics.median(walls), statistics.median(cpus), verdict))
    return {"engine": name, "load_s": load_s, "rows": rows}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(results: list[dict[str, object]]) -> None:
    print()
    print("| engine | right | wrong | p50 s | p95 s | max s | CPU s per image (mean) | load s |")
    print("|---|---|---|---|---|---|---|---|")
    for result in results:
        if "error" in result:
            print(f"| {result['engine']} | not run: {result['error']} |")
            continue
        rows = result["rows"]
        walls = [r[2] for r in rows]
        wrong = ", ".join(r[0] for r in rows if not r[1]) or "none"
        print(
            f"| {result['engine']} | {sum(r[1] for r in rows)}/{len(rows)} | {wrong} | "
            f"{statistics.median(walls):.2f} | {_p95(walls):.2f} | {max(walls):.2f} | "
            f"{statistics.mean(r[3] for r in rows):.2f} | {result['load_s']:.1f} |"
        )
    print()
    names = [r["engine"] for r in results if "rows" in r]
    print("per image, wall seconds (verdict language; * = wrong):")
    print(f"  {'screenshot':32}" + "".join(f"{n:>16}" for n in names))
    for i, label in enumerate(SCREENSHOTS):
        cells = []
        for result in results:
            if "rows" not in result:
                continue
            _, ok, wall, _, verdict = result["rows"][i]
            mark = "" if ok else "*"
            cells.append(f"{wall:7.2f} {verdict.language or '-':>4}{mark:1}")
        print(f"  {label:32}" + "".join(f"{c:>16}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args()
    if not factories.fonts_available():
        sys.exit("needs fonts-noto-cjk and fonts-dejavu-core to draw the screenshots")
    images = {label: draw() for label, (draw, _) in SCREENSHOTS.items()}
    print(
        f"{len(images)} screenshots, {args.rounds} rounds; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    results = []
    for name in args.engines.split(","):
        print(f"measuring {name}...", flush=True)
        results.append(measure(name, args.rounds, images))
    report(results)


if __name__ == "__main__":
    main()
