"""What a post's images cost where it matters: the post window's preview, redrawn as you type,
and exporting or publishing.

    python tests/benchmarks/post_images.py [--images 8] [--rounds 50]

Prints, for one post of about 600 words:
- the preview step the post window runs 150 ms after each pause in typing (render,
  shape for the target, size the images from their headers), with N photos and with the
  same text without them (the baseline), and the ratio;
- an HTML export with the N photos inside (data: URLs) against the same text without;
- publishing to a folder target a first time (files copied) and again (nothing copied).
Each photo is a real PNG of 1,600 × 1,200 px, about 0.8 MB (noise, so it stays that large).
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pkm.core import export
from pkm.core.media import MediaStore, markdown_for
from pkm.core.publish.media_upload import as_previewed
from pkm.core.publish.post_media import with_sizes
from pkm.core.publish.registry import adapter_class
from pkm.core.publish.render import build_post
from pkm.core.workspace import Workspace

WORDS = ("trust grows when leaders share early and often with the team " * 60).strip()


def photo(width: int = 1600, height: int = 1200) -> bytes:
    """A PNG of noise: the size of a real photo, which a solid colour would not be."""
    rows = b"".join(b"\x00" + os.urandom(width * 3 // 8) * 8 for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(rows, 1))
            + chunk(b"IEND", b""))  # fmt: skip


def timed(fn, rounds: int) -> float:
    """Median milliseconds of `rounds` calls."""
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Workspace(Path(tmp) / "ws") as ws:
        store = MediaStore(ws.home)
        refs = [
            markdown_for(store.add(photo(), f"p{i}.png"), f"Photo {i}") for i in range(args.images)
        ]
        size = sum((ws.home / r.split("(")[1].rstrip(")")).stat().st_size for r in refs)
        paragraphs = [WORDS[i * 60 : i * 60 + 400] for i in range(args.images)]
        with_images = "\n\n".join(f"{p}\n\n{r}" for p, r in zip(paragraphs, refs, strict=True))
        without = "\n\n".join(paragraphs)
        a = ws.journal.create(kind="post", title="With photos", body=with_images)
        b = ws.journal.create(kind="post", title="Without", body=without)
        ws.publishing.add_target("site", "folder", url=str(Path(tmp) / "site"))
        target = ws.publishing.targets.get("site")

        def preview(entry) -> None:
            post = build_post(entry, media_home=ws.home)
            post, _note = as_previewed(adapter_class("folder")(target, None), post, "Folder")
            with_sizes(post.html, post.images, 420, 840)

        print(f"{args.images} photos, {size / 1e6:.1f} MB in all; medians of {args.rounds} rounds")
        p_with, p_without = (
            timed(lambda: preview(a), args.rounds),
            timed(lambda: preview(b), args.rounds),
        )
        print(f"post window preview step: {p_with:.2f} ms with photos, {p_without:.2f} ms "
              f"without (baseline), ratio {p_with / p_without:.2f}")  # fmt: skip
        rounds = max(3, args.rounds // 10)
        e_with = timed(lambda: export.export_bytes(a, "html", media_home=ws.home), rounds)
        e_without = timed(lambda: export.export_bytes(b, "html", media_home=ws.home), rounds)
        print(f"HTML export: {e_with:.1f} ms with photos inside, {e_without:.1f} ms without "
              f"(baseline), ratio {e_with / e_without:.1f}")  # fmt: skip
        t = time.perf_counter()
        ws.publishing.publish(a.id, "site")
        first = (time.perf_counter() - t) * 1000
        again = timed(lambda: ws.publishing.publish(a.id, "site"), rounds)
        print(f"publish to a folder: {first:.1f} ms the first time (photos copied), "
              f"{again:.1f} ms again (nothing copied), ratio {first / again:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
