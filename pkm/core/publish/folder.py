"""Folder target: files in a folder (a Hugo/Jekyll content folder, an Obsidian vault, a share).

No account and no secret. Each publish writes `<day>-<slug>.<ext>` for the
chosen formats (Markdown with front matter by default; html, pdf, eml on
request). The file name is the remote id: republishing rewrites the same
files even if the title changed, so links into a static site keep working.
The front matter names the entry (`pkm_entry`), which is how a second entry
with the same title and day gets its own file instead of overwriting.

Images and attachments: the media-store files the post names are copied into
`media/` beside it, under the same names as in the data folder, so the
Markdown's `media/…` references (and the HTML file's images and links) work
there as they do in pkm and in Obsidian; a PDF carries its images inside. A file already there with that name has those bytes (the name is
their hash), so it is not written again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import frontmatter

from pkm.core.errors import BadInput
from pkm.core.publish.base import Adapter, Post, PublishError, Remote, Request
from pkm.core.publish.media_upload import read_image
from pkm.core.publish.post_media import MediaApi

DEFAULT_FORMATS = ("md",)
ALL_FORMATS = ("md", "html", "pdf", "eml")


class FolderAdapter(Adapter):
    kind = "folder"
    responses_note = "Responses can't be read from a folder: a file has no replies."
    label = "Folder"
    needs_secret = False
    can_edit = True
    idempotent_create = True  # the same entry always maps to the same file
    supports_draft = True
    options_help = {"formats": "md, html, pdf and/or eml, comma-separated (default: md)"}
    media = MediaApi("copied into the folder, beside the post", inline=True, beside=True)

    @classmethod
    def normalize_url(cls, url: str) -> str:
        url = (url or "").strip()
        if not url:
            raise BadInput("A folder target needs --url FOLDER (a path or a file:// URL).")
        if url.startswith("file://"):
            url = unquote(urlparse(url).path)
        try:
            path = Path(os.path.expanduser(url)).resolve()
            if path.exists() and not path.is_dir():
                raise BadInput(f"{path} is a file, not a folder. Give a folder with --url.")
        except (OSError, ValueError) as exc:  # too long a name, a NUL byte, a loop of links
            reason = getattr(exc, "strerror", None) or str(exc)
            raise BadInput(
                f"'{url[:60]}{'…' if len(url) > 60 else ''}' cannot be a folder here ({reason}). "
                "Give the path of a folder with --url."
            ) from None
        return str(path)

    @classmethod
    def check_options(cls, options, user) -> None:
        super().check_options(options, user)
        formats_of(options.get("formats", ""))

    @property
    def folder(self) -> Path:
        return Path(self.config.url)

    @property
    def where(self) -> str:
        return f"the folder {self.config.url}"

    def _formats(self) -> tuple[str, ...]:
        return formats_of(self.config.option("formats"))

    def _stem(self, post: Post, remote: Remote | None) -> str:
        if remote and remote.remote_id:
            return remote.remote_id
        from pkm.core.export import slugify

        base = f"{post.day}-{slugify(post.title)}"
        stem, n = base, 1
        while not self._ours_or_free(stem, post.entry_id):
            n += 1
            stem = f"{base}-{n}"
        return stem

    def _ours_or_free(self, stem: str, entry_id: int) -> bool:
        md = self.folder / f"{stem}.md"
        others = [self.folder / f"{stem}.{ext}" for ext in ALL_FORMATS if ext != "md"]
        if md.exists():
            try:
                return frontmatter.load(md).metadata.get("pkm_entry") == entry_id
            except Exception:
                return False
        return not any(p.exists() for p in others)

    def _files(self, post: Post, stem: str, draft: bool) -> dict[str, bytes]:
        from pkm.core import export

        assert self.entry is not None, "the service sets the entry before publishing"
        out: dict[str, bytes] = {}
        for fmt in self._formats():
            if fmt == "md":
                text = export.front_matter_markdown(
                    self.entry, draft=draft, extra={"pkm_entry": self.entry.id}
                )
                out[fmt] = text.encode("utf-8")
            elif fmt == "html":  # media/… beside it, as the Markdown file has them
                out[fmt] = export.document_html(post).encode("utf-8")
            elif fmt == "eml":
                out[fmt] = export.email_message(post, draft=True).as_bytes()
            else:
                out[fmt] = b""  # rendered when writing (see _write)
        return out

    def plan(self, post: Post, *, remote: Remote | None, draft: bool, key: str) -> list[Request]:
        stem = self._stem(post, remote)
        reqs = []
        for fmt, data in self._files(post, stem, draft).items():
            if fmt == "pdf":
                from pkm.core.export import pdf_ready_html

                body, note = pdf_ready_html(post), "a PDF rendered from this HTML"
            else:
                body, note = data.decode("utf-8", errors="replace"), ""
            reqs.append(Request("WRITE", str(self.folder / f"{stem}.{fmt}"), body=body, note=note))
        for image in post.images:
            reqs.append(
                Request("COPY", str(self.folder / image.ref), body=f"({image.size:,} bytes)")
            )
        return reqs

    def create(self, post: Post, *, draft: bool, key: str) -> Remote:
        return self._write(post, None, draft)

    def update(self, post: Post, remote: Remote, *, draft: bool) -> Remote:
        return self._write(post, remote, draft)

    def _write(self, post: Post, remote: Remote | None, draft: bool) -> Remote:
        from pkm.core.export import PDF_IMAGE_BOX, pdf_ready_html, with_inline_images
        from pkm.core.settings import atomic_write_bytes

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stem = self._stem(post, remote)
            files = self._files(post, stem, draft)
            for fmt, data in files.items():
                path = self.folder / f"{stem}.{fmt}"
                if fmt == "pdf":
                    if self.pdf_writer is None:
                        raise PublishError(
                            f"Writing PDF to {self.where} needs the Qt PDF writer of the pkm "
                            "window or command line; remove pdf from --option formats=… here."
                        )
                    shown = with_inline_images(post, fit=PDF_IMAGE_BOX)
                    self.pdf_writer(pdf_ready_html(shown), post.title, path)
                else:
                    atomic_write_bytes(path, data, shared=True)
            self._copy_images(post)
        except OSError as exc:
            raise PublishError(
                f"Cannot write to {self.where}: {exc.strerror or exc}. "
                "Check that the folder exists and you may write to it."
            ) from None
        first = self.folder / f"{stem}.{next(iter(files))}"
        return Remote(stem, first.as_uri(), "draft" if draft else "written")

    def _copy_images(self, post: Post) -> None:
        """The post's images (checked against their names) and the attachments it links
        to, from the data folder's media store only (`media_home`, set by the service)."""
        from pkm.core.export import copy_media
        from pkm.core.settings import atomic_write_bytes

        for image in post.images:
            target = self.folder / image.ref
            if target.is_file() and target.stat().st_size == image.size:
                continue  # named by its hash: the same bytes are there
            data = read_image(image)
            target.parent.mkdir(exist_ok=True)
            atomic_write_bytes(target, data, shared=True)
        if self.media_home is not None and self.entry is not None:
            copy_media(self.entry.body, self.media_home, self.folder)

    def test(self) -> str:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PublishError(f"Cannot create {self.where}: {exc.strerror or exc}.") from None
        if not os.access(self.folder, os.W_OK):
            raise PublishError(f"Cannot write to {self.where}: permission denied.")
        return f"{self.where} is writable; formats: {', '.join(self._formats())}."


def formats_of(value: str) -> tuple[str, ...]:
    if not value.strip():
        return DEFAULT_FORMATS
    formats = tuple(dict.fromkeys(f.strip().lower() for f in re.split(r"[,\s]+", value) if f))
    bad = [f for f in formats if f not in ALL_FORMATS]
    if bad:
        raise BadInput(
            f"'{', '.join(bad)}' is not a file format for a folder target. "
            f"Use some of: {', '.join(ALL_FORMATS)}."
        )
    return formats
