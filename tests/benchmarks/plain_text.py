"""What keeping code verbatim costs `to_plain` (indexing runs it on every entry).

    python tests/benchmarks/plain_text.py [--entries 20]

Prints microseconds per body for journal-like text without and with code, for
`markdown.to_plain` and, as the baseline in the same run, the regex pass alone
over the whole text (what to_plain did before issue 12, when it also rewrote
code and dropped `<wait>`-like text), and their ratio. Best of 7 runs of 100.
"""

from __future__ import annotations

import argparse
import html
import timeit

from pkm.core import markdown

PARA = (
    "I keep coming back to **working out loud**: share the half-formed thought.\n\n"
    "- say what you are learning\n- ask for help early\n\n"
    "More in [the book](https://example.com/wol) and [[Strategy notes]]. #leadership\n\n"
)
CODE = 'The rule: `cost < 4 else "buy & <wait>"`.\n\n```python\nif a < b:\n    go()\n```\n'


def regex_pass(text: str) -> str:
    for rx, repl in markdown._PLAIN_RULES:
        text = rx.sub(repl, text)
    return html.unescape(text).strip()


def best_us(fn, body: str) -> float:
    return min(timeit.repeat(lambda: fn(body), number=100, repeat=7)) / 100 * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=20, help="paragraph groups per body")
    n = ap.parse_args().entries
    for label, body in (("prose only", PARA * n), ("with code", (PARA + CODE) * n)):
        base, new = best_us(regex_pass, body), best_us(markdown.to_plain, body)
        print(
            f"{label:<11} {len(body):>6} chars: regex pass {base:7.0f} us, "
            f"to_plain {new:7.0f} us, ratio {new / base:.2f}"
        )


if __name__ == "__main__":
    main()
