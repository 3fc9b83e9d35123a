"""Export one entry as a file: Markdown with YAML front matter, HTML, PDF, an .eml draft.

Markdown keeps the author's text as written (wiki links included, which
Obsidian understands) under front matter that Obsidian, Hugo and Jekyll all
read: title, date, tags. HTML and email use the one sanitized rendering from
core.markdown, with private pkm:// links turned into plain text.

PDF: the core stays free of Qt (a test enforces it) and of new dependencies.
It produces *PDF-ready HTML* (a simple, QTextDocument-friendly page) and asks
a `PdfWriter` callable for the bytes. The CLI and the GUI pass one built on
Qt's QTextDocument + QPdfWriter, which already ship with PySide6, lay text
out with the system's fonts and font fallback (so any script prints, not only
Latin-1 as with the built-in fonts of pure-Python PDF libraries) and need no
display (offscreen platform). Without a writer, asking for PDF says so.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from pathlib import Path

import frontmatter

from pkm.core.errors import BadInput, PkmError
from pkm.core.journal import Entry
from pkm.core.markdown import DOCUMENT_CSS
from pkm.core.publish.base import Post
from pkm.core.publish.render import build_post
from pkm.core.settings import atomic_write_bytes

FORMATS = ("md", "html", "pdf", "eml")

# (pdf_ready_html, title, destination) -> writes a PDF file at destination
PdfWriter = Callable[[str, str, Path], None]


def slugify(title: str, limit: int = 60) -> str:
    """A file-name-safe, URL-safe slug: 'Strategy, again!' -> 'strategy-again'."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text[:limit].rstrip("-") or "entry"


def default_filename(entry: Entry, fmt: str) -> str:
    return f"{entry.day}-{slugify(entry.title)}.{fmt}"


def front_matter_markdown(entry: Entry, *, draft: bool = False, extra: dict | None = None) -> str:
    """Markdown with YAML front matter (title, date, tags), as static-site tools expect."""
    meta: dict = {"title": entry.title, "date": entry.day}
    if entry.tags:
        meta["tags"] = list(entry.tags)
    if draft:
        meta["draft"] = True
    meta["updated"] = entry.updated
    meta.update(extra or {})
    post = frontmatter.Post(entry.body.rstrip() + "\n", **meta)
    return frontmatter.dumps(post, sort_keys=False) + "\n"


def document_html(post: Post, *, lang: str = "") -> str:
    """A standalone, styled HTML page of an entry (export, email, blog preview)."""
    title = html.escape(post.title)
    tags = " ".join("#" + html.escape(t) for t in post.tags)
    meta = html.escape(post.day) + (f" · {tags}" if tags else "")
    lang_attr = f" lang='{html.escape(lang)}'" if lang else ""
    return (
        f"<!DOCTYPE html>\n<html{lang_attr}><head><meta charset='utf-8'>"
        f"<meta name='generator' content='pkm'><title>{title}</title>"
        f"<style>{DOCUMENT_CSS}</style></head>\n<body><article><h1>{title}</h1>\n"
        f"<p style='color:#666'>{meta}</p>\n{post.html}\n</article></body></html>\n"
    )


def pdf_ready_html(post: Post) -> str:
    """HTML that QTextDocument lays out well: no external CSS, simple inline styles."""
    title = html.escape(post.title)
    tags = " ".join("#" + html.escape(t) for t in post.tags)
    meta = html.escape(post.day) + (f" · {tags}" if tags else "")
    return (
        "<html><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body style='font-family:serif; font-size:11pt'>"
        f"<h1 style='font-family:sans-serif'>{title}</h1>"
        f"<p style='color:#666666'>{meta}</p>{post.html}</body></html>"
    )


def email_message(
    post: Post,
    *,
    sender: str = "",
    to: Sequence[str] = (),
    message_id: str = "",
    date: dt.datetime | None = None,
    draft: bool = False,
    subject_prefix: str = "",
) -> EmailMessage:
    """multipart/alternative: plain text first (as RFC 2046 asks), then the HTML page."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = f"{subject_prefix}{post.title}"
    if sender:
        msg["From"] = sender
    if to:
        msg["To"] = ", ".join(to)
    msg["Date"] = email.utils.format_datetime(date or dt.datetime.now(dt.UTC).astimezone())
    domain = sender.rpartition("@")[2] or "pkm.invalid"
    msg["Message-ID"] = message_id or email.utils.make_msgid(domain=domain)
    if draft:
        msg["X-Unsent"] = "1"  # Outlook and Thunderbird open the file as a draft to send
    written = {t.lower() for t in re.findall(r"#(\w[\w/-]*)", post.plain)}
    tags = " ".join("#" + t for t in post.tags if t.lower() not in written)  # not twice
    plain = f"{post.title}\n{'=' * min(len(post.title), 72)}\n\n{post.plain}\n"
    if tags:
        plain += f"\n{tags}\n"
    msg.set_content(plain, subtype="plain", charset="utf-8")
    msg.add_alternative(document_html(post), subtype="html", charset="utf-8")
    return msg


def export_bytes(
    entry: Entry, fmt: str, *, pdf_writer: PdfWriter | None = None, work_dir: Path | None = None
) -> bytes:
    """The exported file's content. PDF needs a writer (see the module docstring)."""
    if fmt not in FORMATS:
        raise BadInput(f"'{fmt}' is not an export format. Use one of: {', '.join(FORMATS)}.")
    if fmt == "md":
        return front_matter_markdown(entry).encode("utf-8")
    post = build_post(entry)
    if fmt == "html":
        return document_html(post).encode("utf-8")
    if fmt == "eml":
        return email_message(post, draft=True).as_bytes()
    if pdf_writer is None:
        raise PkmError(
            "PDF export needs the Qt PDF writer of the pkm window or command line; "
            "export as html and print it to PDF instead."
        )
    import tempfile

    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        path = Path(tmp) / "entry.pdf"
        pdf_writer(pdf_ready_html(post), post.title, path)
        data = path.read_bytes()
    if not data.startswith(b"%PDF"):
        raise PkmError("The PDF writer produced no PDF. Export as html and print it instead.")
    return data


def export_entry(
    entry: Entry, fmt: str, path: Path, *, pdf_writer: PdfWriter | None = None
) -> Path:
    """Write the export atomically (a crash leaves the old file or the new one)."""
    data = export_bytes(entry, fmt, pdf_writer=pdf_writer, work_dir=None)
    try:
        atomic_write_bytes(path, data, shared=True)
    except OSError as exc:
        raise PkmError(
            f"Cannot write {path}: {exc.strerror or exc}. Choose another file with -o FILE."
        ) from None
    return path
