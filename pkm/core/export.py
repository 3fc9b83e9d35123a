"""Export one entry as a file (Markdown with YAML front matter, HTML, PDF, an .eml draft),
or the whole journal: a Markdown vault (`export_vault`) or one HTML book (`export_book`).

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

import base64
import dataclasses
import datetime as dt
import email.policy
import email.utils
import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import frontmatter
import yaml

from pkm.core.errors import BadInput, PkmError
from pkm.core.images import fit_within, pixel_size
from pkm.core.journal import Entry
from pkm.core.markdown import DOCUMENT_CSS
from pkm.core.publish.base import Post
from pkm.core.publish.post_media import Image, shape_html
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
    related: list[tuple[Image, bytes, str]] = []
    for image in post.images:
        try:
            data = image.read()
        except OSError:
            continue  # not in the data folder (any more): the text says [image: alt]
        related.append((image, data, f"{image.sha256[:16]}@pkm.invalid"))
    urls = {image.ref: f"cid:{cid}" for image, _data, cid in related}
    page = document_html(dataclasses.replace(post, html=shape_html(post.html, urls)))
    msg.add_alternative(page, subtype="html", charset="utf-8")
    if related:  # RFC 2387: the HTML and its pictures as one multipart/related part
        html_part = msg.get_payload()[1]  # type: ignore[index]
        for image, data, cid in related:
            maintype, subtype = image.mime.split("/")
            html_part.add_related(
                data, maintype, subtype, cid=f"<{cid}>", filename=image.filename,
                disposition="inline",
            )  # fmt: skip
    return msg


def export_bytes(
    entry: Entry,
    fmt: str,
    *,
    pdf_writer: PdfWriter | None = None,
    work_dir: Path | None = None,
    media_home: Path | None = None,
) -> bytes:
    """The exported file's content. PDF needs a writer (see the module docstring).

    With ``media_home`` (the data folder), the entry's images are put inside the
    HTML and PDF as data: URLs (so the one file shows them anywhere; the PDF draws
    each at most a page wide), and inside the email as ``cid:`` parts, which mail
    programs show and data: URLs they block. Only images of the media store are
    ever read; any other image path in the text becomes ``[image: alt]``.
    """
    if fmt not in FORMATS:
        raise BadInput(f"'{fmt}' is not an export format. Use one of: {', '.join(FORMATS)}.")
    if fmt == "md":
        return front_matter_markdown(entry).encode("utf-8")
    post = build_post(entry, media_home=media_home)
    if fmt == "html":
        return document_html(with_inline_images(post)).encode("utf-8")
    if fmt == "eml":
        return email_message(post, draft=True).as_bytes()
    post = with_inline_images(post, fit=PDF_IMAGE_BOX)
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
    entry: Entry,
    fmt: str,
    path: Path,
    *,
    pdf_writer: PdfWriter | None = None,
    media_home: Path | None = None,
) -> Path:
    """Write the export atomically (a crash leaves the old file or the new one).

    A Markdown file keeps its ``media/…`` references; with ``media_home`` the files
    they name are copied into ``media/`` beside it, so the reference still works.
    """
    data = export_bytes(entry, fmt, pdf_writer=pdf_writer, work_dir=None, media_home=media_home)
    try:
        atomic_write_bytes(path, data, shared=True)
        if fmt == "md" and media_home is not None:
            copy_media(entry.body, media_home, path.parent)
    except OSError as exc:
        raise PkmError(
            f"Cannot write {path}: {exc.strerror or exc}. Choose another file with -o FILE."
        ) from None
    return path


def copy_media(body: str, home: Path, folder: Path) -> list[str]:
    """Copy the media-store files a text names (``media/<sha256>.<ext>``, nothing else) from
    ``home`` into ``folder/media/``, skipping those already there (a name is its content's
    hash); returns the references whose file is missing from the data folder."""
    missing = []
    for ref in dict.fromkeys(_MEDIA_REF.findall(body)):
        source, target = home / ref, folder / ref
        if not source.is_file():
            missing.append(ref)
        elif not target.exists():
            atomic_write_bytes(target, source.read_bytes(), shared=True)
    return missing


# ---- the whole journal: a Markdown vault, or one HTML book -------------------------------

VAULT_MARKER = ".pkm-export"  # marks a folder pkm exported to, so exporting again may update it
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|#^\[\]\x00-\x1f]+')


def vault_file_name(entry: Entry) -> str:
    """A daily entry is ``YYYY-MM-DD.md`` (Obsidian's daily notes); a note is its title,
    as Obsidian names notes, so [[Title]] links open it there too."""
    if entry.kind == "daily":
        return f"{entry.day}.md"
    name = " ".join(_UNSAFE_NAME.sub(" ", entry.title).split()).strip(" .")[:120]
    return f"{name or 'Untitled note'}.md"


def vault_markdown(entry: Entry, file_stem: str) -> str:
    """The entry as a vault file: front matter, then the text exactly as stored.

    Only the entry's *explicit* tags go to the front matter (the #tags of the text
    are in the text, where Obsidian and pkm both find them), so importing the file
    gives back the same tags. ``aliases`` carries the real title when the file name
    had to differ from it, so Obsidian still resolves [[Real: title]].
    """
    meta: dict = {
        "title": entry.title,
        "kind": entry.kind,
        "date": dt.date.fromisoformat(entry.day),
    }
    if entry.explicit_tags:
        meta["tags"] = list(entry.explicit_tags)
    if entry.kind != "daily" and file_stem != entry.title:
        meta["aliases"] = [entry.title]
    meta["created"] = entry.created
    meta["updated"] = entry.updated
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{head}---\n{entry.body}"


@dataclass(frozen=True)
class VaultExport:
    folder: Path
    entries: int
    media: int
    missing_media: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "folder": str(self.folder),
            "entries": self.entries,
            "media": self.media,
            "missing_media": list(self.missing_media),
        }


def _check_vault_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise BadInput(f"{folder} is a file. Give a folder to export the journal into.")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / VAULT_MARKER).exists():
        raise BadInput(
            f"{folder} already holds files that pkm did not export. Choose an empty or new "
            "folder, so nothing of yours is overwritten."
        )


def export_vault(entries: Sequence[Entry], home: Path, folder: Path) -> VaultExport:
    """One Markdown file per entry, images in ``media/`` beside them: a folder Obsidian
    opens as a vault, and ``pkm import markdown`` reads back as the same entries.

    Exporting again into the same folder rewrites its files (the marker file says
    pkm made it); any other non-empty folder is refused.
    """
    folder = Path(folder)
    _check_vault_folder(folder)
    used: set[str] = set()
    copied: set[str] = set()
    missing: list[str] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(
            folder / VAULT_MARKER, b"Exported by pkm; pkm may update this folder.\n", shared=True
        )
        for entry in entries:
            name = vault_file_name(entry)
            stem = name[:-3]
            n = 2
            while name.casefold() in used:  # Two notes of one title; macOS folds case
                name = f"{stem} ({n}).md"
                n += 1
            used.add(name.casefold())
            atomic_write_bytes(
                folder / name, vault_markdown(entry, name[:-3]).encode("utf-8"), shared=True
            )
            for ref in dict.fromkeys(_MEDIA_REF.findall(entry.body)):
                if ref in copied:
                    continue
                source = home / ref
                if not source.is_file():
                    missing.append(ref)
                    continue
                target = folder / ref
                if not target.exists():
                    atomic_write_bytes(target, source.read_bytes(), shared=True)
                copied.add(ref)
    except OSError as exc:
        raise PkmError(
            f"Cannot write into {folder}: {exc.strerror or exc}. Choose another folder with -o DIR."
        ) from None
    return VaultExport(folder, len(used), len(copied), tuple(missing))


_MEDIA_REF = re.compile(r"media/[0-9a-f]{64}\.[a-z0-9]{1,8}")
# Qt lays a printed page out at 96 dpi: A4 less the margins is about 657 × 986 px, so an
# image drawn within this box fits the page's width and one page's height.
PDF_IMAGE_BOX = (640, 900)
_IMG_SRC = re.compile(r"<img\b[^>]*>", re.I)


def with_inline_images(post: Post, *, fit: tuple[int, int] | None = None) -> Post:
    """The post's images as data: URLs (and, with ``fit``, a width and height that keep
    them inside that box); any other local image becomes ``[image: alt]``."""
    urls: dict[str, str] = {}
    sizes: dict[str, tuple[int, int] | None] = {}
    for image in post.images:
        try:
            data = image.read()
        except OSError:
            continue
        urls[image.ref] = f"data:{image.mime};base64,{base64.b64encode(data).decode('ascii')}"
        sizes[urls[image.ref]] = fit_within(pixel_size(data), *fit) if fit else None
    fragment = shape_html(post.html, urls)

    def sized(m: re.Match[str]) -> str:
        tag = m.group(0)
        src = re.search(r'src="([^"]*)"', tag)
        box = sizes.get(src.group(1)) if src else None
        if box is None:
            return tag
        tag = re.sub(r'\s(width|height)="[^"]*"', "", tag)
        return tag[:4] + f' width="{box[0]}" height="{box[1]}"' + tag[4:]

    return dataclasses.replace(post, html=_IMG_SRC.sub(sized, fragment) if fit else fragment)


def book_html(
    entries: Sequence[Entry],
    home: Path,
    title: str,
    subtitle: str = "",
    *,
    fit: tuple[int, int] | None = None,
) -> str:
    """Entries oldest first as one HTML book with contents: "My 2026 reflections".
    Images go inside as data: URLs (drawn within ``fit`` for a PDF)."""
    ordered = sorted(entries, key=lambda e: (e.day, e.created, e.id))
    toc, parts = [], []
    for n, entry in enumerate(ordered, start=1):
        post = with_inline_images(build_post(entry, media_home=home), fit=fit)
        anchor = f"e{n}"
        toc.append(
            f"<li><a href='#{anchor}'>{html.escape(entry.day)} · {html.escape(post.title)}</a></li>"
        )
        tags = " ".join("#" + html.escape(t) for t in post.tags)
        meta = html.escape(entry.day) + (f" · {tags}" if tags else "")
        parts.append(
            f"<section id='{anchor}'><h2>{html.escape(post.title)}</h2>\n"
            f"<p style='color:#666'>{meta}</p>\n{post.html}\n</section>"
        )
    head = html.escape(title)
    sub = f"<p style='color:#666'>{html.escape(subtitle)}</p>" if subtitle else ""
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<meta name='generator' content='pkm'><title>{head}</title>"
        f"<style>{DOCUMENT_CSS} section{{page-break-before:always}}</style></head>\n"
        f"<body><article><h1>{head}</h1>{sub}\n<nav><h2>Contents</h2><ol>{''.join(toc)}</ol></nav>\n"
        + "\n".join(parts)
        + "\n</article></body></html>\n"
    )


def export_book(
    entries: Sequence[Entry],
    home: Path,
    path: Path,
    *,
    title: str,
    subtitle: str = "",
    fmt: str = "html",
    pdf_writer: PdfWriter | None = None,
) -> Path:
    """Write the book (html, or pdf through the Qt writer) atomically; BadInput if no
    entry matched the filters."""
    if not entries:
        raise BadInput(
            "No entries match --since/--until/--tag, so there is no book to make. "
            "Widen the dates or check the tag with 'pkm journal list'."
        )
    page = book_html(entries, home, title, subtitle, fit=PDF_IMAGE_BOX if fmt == "pdf" else None)
    if fmt == "pdf":
        if pdf_writer is None:
            raise PkmError("A PDF book needs the Qt PDF writer; make the html book instead.")
        import tempfile

        with tempfile.TemporaryDirectory(dir=path.parent if path.parent.is_dir() else None) as tmp:
            drawn = Path(tmp) / "book.pdf"
            pdf_writer(page, title, drawn)
            data = drawn.read_bytes() if drawn.exists() else b""
        if not data.startswith(b"%PDF"):
            raise PkmError("The PDF writer produced no PDF. Make the html book and print it.")
    else:
        data = page.encode("utf-8")
    try:
        atomic_write_bytes(path, data, shared=True)
    except OSError as exc:
        raise PkmError(
            f"Cannot write {path}: {exc.strerror or exc}. Choose another file with -o FILE."
        ) from None
    return path
