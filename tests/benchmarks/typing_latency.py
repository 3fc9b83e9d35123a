"""Typing latency in the styled editor: keystroke to the end of the next paint.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/typing_latency.py [--keys 300] [--json out.json]

(Not ``typing.py``: run as a script, a file of that name beside the other benchmarks
would stand in for the standard library's ``typing`` module in every one of them.)

A 5,000-word entry built from the shared benchmark corpus's text
(/work/shared/bench/corpus.py, or $PKM_BENCH_CORPUS) with headings, [[links]],
#tags, web links, quotes, lists and tasks, in pkm's MarkdownEdit (styled as
typed) and, as the baseline in the same run, in a plain QPlainTextEdit with the
same text and font. For each key: the time from sending it (QTest.keyClick:
the edit and its restyling happen inside) until the viewport's paintEvent that
shows it has finished (events processed until that paint is done). Three
cases: typing in the middle of the entry, typing at its end, and Enter then
Backspace in the middle (the lines below move; a code fence state may
change). Prints p50/p95/max per case and editor, the styled/plain ratio of
p95s, and the figures as JSON. The goal of issue 14: p95 under 16 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from pkm.gui.sense.markdown_edit import MarkdownEdit
from tests.gui.corpus_workspace import corpus_module

WORDS = 5_000
TYPED = "and then we decided to ask the customers first "


def entry_text(words: int = WORDS) -> str:
    """A long journal entry with every kind of Markdown the editor styles."""
    corpus = corpus_module()
    if corpus is None:
        raise SystemExit("corpus.py not found: set PKM_BENCH_CORPUS=/path/to/corpus.py")
    t = corpus.Text(7)
    tags = corpus.TAGS
    parts: list[str] = []
    count, n = 0, 0
    while count < words:
        n += 1
        para = t.sentence_block(t.rng.randint(40, 90))
        w = para.split(" ")
        w.insert(len(w) // 3, f"[[{' '.join(t.words(2)).title()}]]")
        w.insert(len(w) // 2, f"#{tags[n % len(tags)]}")
        w.insert(2 * len(w) // 3, f"[the source](https://example.com/{n}/a/long/path?ref=journal)")
        w.insert(len(w) - 3, "**" + " ".join(t.words(2)) + "**")
        para = " ".join(w)
        if n % 6 == 1:
            parts.append(f"## {' '.join(t.words(4)).capitalize()}")
        parts.append(para)
        if n % 5 == 2:
            parts.append("> " + t.sentence_block(18))
        if n % 7 == 3:
            parts.append(
                "\n".join(f"- [{'x' if i % 2 else ' '}] {t.sentence_block(6)}" for i in range(3))
            )
        if n % 9 == 4:
            parts.append("\n".join(f"- {t.sentence_block(8)} `code`" for _ in range(3)))
        count = sum(len(p.split()) for p in parts)
    return "\n\n".join(parts)


class Timed:
    """Records when each paint of the viewport ended."""

    painted_at = 0.0

    def paintEvent(self, event) -> None:
        super().paintEvent(event)  # type: ignore[misc]
        self.painted_at = time.perf_counter()


class TimedStyled(Timed, MarkdownEdit):
    pass


class TimedPlain(Timed, QPlainTextEdit):
    pass


def key_to_paint(app: QApplication, edit, key: Qt.Key | str) -> float:
    """Milliseconds from sending one key until the paint showing it ended."""
    start = time.perf_counter()
    QTest.keyClick(edit, key)
    deadline = start + 2.0
    while edit.painted_at < start and time.perf_counter() < deadline:
        app.processEvents()
    return (edit.painted_at - start) * 1000


def place(edit, where: str) -> None:
    cursor = edit.textCursor()
    if where == "end":
        cursor.movePosition(QTextCursor.MoveOperation.End)
    else:
        block = edit.document().findBlockByNumber(edit.document().blockCount() // 2)
        while block.isValid() and len(block.text()) < 200:
            block = block.next()
        cursor.setPosition(block.position() + len(block.text()) // 2)
    edit.setTextCursor(cursor)
    edit.ensureCursorVisible()


def run_case(app: QApplication, edit, case: str, keys: int) -> list[float]:
    place(edit, "end" if case == "end" else "middle")
    for _ in range(5):
        app.processEvents()
    out = []
    for i in range(keys):
        if case == "enter/backspace":
            key = Qt.Key.Key_Return if i % 2 == 0 else Qt.Key.Key_Backspace
        else:
            key = TYPED[i % len(TYPED)]
        out.append(key_to_paint(app, edit, key))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=300, help="keys per case")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    text = entry_text()
    words = len(text.split())
    results: dict[str, dict[str, dict[str, float]]] = {}
    for label, cls in (("plain", TimedPlain), ("styled", TimedStyled)):
        edit = cls()
        if label == "plain":
            edit.setFont(TimedStyled().font())  # the same reading font and size
        edit.resize(1000, 760)
        edit.show()
        t0 = time.perf_counter()
        edit.setPlainText(text)
        for _ in range(3):
            app.processEvents()
        load_ms = (time.perf_counter() - t0) * 1000
        results[label] = {"load": {"ms": round(load_ms, 1)}}
        for case in ("middle", "end", "enter/backspace"):
            times = run_case(app, edit, case, args.keys)
            results[label][case] = {
                "p50": round(statistics.median(times), 2),
                "p95": round(pct(times, 95), 2),
                "max": round(max(times), 2),
            }
        edit.close()
        edit.deleteLater()
    print(f"Typing latency, {words:,}-word entry, {args.keys} keys per case (ms, key to paint)")
    print(
        f"{'case':<17}{'plain p50':>10}{'p95':>8}{'styled p50':>12}{'p95':>8}{'max':>8}{'p95 ratio':>11}"
    )
    for case in ("middle", "end", "enter/backspace"):
        p, s = results["plain"][case], results["styled"][case]
        ratio = s["p95"] / p["p95"] if p["p95"] else float("inf")
        results["styled"][case]["p95_ratio"] = round(ratio, 2)
        print(
            f"{case:<17}{p['p50']:>10.2f}{p['p95']:>8.2f}{s['p50']:>12.2f}{s['p95']:>8.2f}"
            f"{s['max']:>8.2f}{ratio:>10.2f}x"
        )
    print(
        f"opening the entry: plain {results['plain']['load']['ms']:.0f} ms, "
        f"styled {results['styled']['load']['ms']:.0f} ms"
    )
    worst = max(results["styled"][c]["p95"] for c in ("middle", "end", "enter/backspace"))
    print(
        f"styled p95 worst case {worst:.2f} ms: {'under' if worst < 16 else 'OVER'} the 16 ms goal"
    )
    figures = {"words": words, "keys": args.keys, **results}
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
