"""The images of a post, and how the text that is sent names them.

An entry names its images as the media store does (``![alt](media/<sha256>.<ext>)``,
pkm.core.media). Those paths mean something only inside the data folder, so what
leaves pkm never carries one. Per target, one of three things happens:

- the target has a media API (WordPress, Ghost, Matrix, Mastodon, Micropub): each
  image is uploaded first, and the reference is replaced by the address the
  target gave (``media_upload.py``);
- the target takes the bytes with the text (email: ``cid:`` parts of a
  multipart/related message; a folder: the files copied beside the post);
- the target has none (Slack, Teams, Mattermost, Viva Engage, LinkedIn): the
  image becomes the words ``[image: alt]`` and the preview says so first.

Only ``media/<64 hex>.<ext>`` references that name a file of the data folder's
``media/`` folder are ever read. Any other image source in the text (``/etc/passwd``,
``../x.png``, ``file://…``) is never opened: in what is sent it becomes
``[image: alt]`` as well, so neither a file nor a local path leaves the computer.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from pkm.core.images import file_pixel_size, fit_within
from pkm.core.markdown import split_code
from pkm.core.media import MAX_BYTES, REF_RE, SHOWN_FORMATS

MIME = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}

# ![alt](media/<hash>.<ext>) or with a "title"; the alt may not hold brackets.
_IMAGE_MD = re.compile(
    r"!\[([^\]\n]*)\]\((media/[0-9a-f]{64}\.[a-z0-9]{1,8})(?:\s+\"[^\"\n]*\")?\)"
)
_IMG_TAG = re.compile(r"<img\b([^>]*?)/?>", re.I)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_LOCAL_LINK = re.compile(r'<a\b[^>]*\bhref="(?!https?:|mailto:|#)[^"]*"[^>]*>(.*?)</a>', re.S)
# ... except an attachment of the media store, where its file goes along (a folder target)
_FOREIGN_LINK = re.compile(
    r'<a\b[^>]*\bhref="(?!https?:|mailto:|#|media/[0-9a-f]{64}\.[a-z0-9]{1,8}")[^"]*"[^>]*>(.*?)</a>',
    re.S,
)
_MD_IMAGE_ANY = re.compile(r"!\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"\n]*\")?\)")
_MD_LOCAL_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\((?!https?:|mailto:|#)[^)\n]*\)")
MARKER = re.compile(r"\[image(?:: [^\]\n]*)?\]")


@dataclass(frozen=True)
class Image:
    """One image of a post: a file of the data folder's media store.

    ``url`` is where the target keeps it once uploaded (or ``cid:…`` in an email),
    ``remote_id`` the target's own id for it (a Mastodon media id, a WordPress
    attachment id), both empty until then.
    """

    ref: str  # media/<sha256>.<ext>
    alt: str
    path: Path
    size: int
    url: str = ""
    remote_id: str = ""

    @property
    def sha256(self) -> str:
        return self.ref[len("media/") :].split(".", 1)[0]

    @property
    def ext(self) -> str:
        return self.ref.rsplit(".", 1)[1]

    @property
    def mime(self) -> str:
        return MIME.get(self.ext, "application/octet-stream")

    @property
    def filename(self) -> str:
        """The name the file is sent under: the alt text's words (a reader who saves the
        picture gets 'board-offsite.jpg'), else the start of its hash."""
        ascii_alt = unicodedata.normalize("NFKD", self.alt).encode("ascii", "ignore").decode()
        words = re.sub(r"[^A-Za-z0-9]+", "-", ascii_alt).strip("-").lower()[:40].rstrip("-")
        return f"{words or self.sha256[:12]}.{self.ext}"

    @property
    def label(self) -> str:
        """How messages name it: "the image 'Board offsite' (media/ab12cd34….jpg)"."""
        short = f"media/{self.sha256[:8]}….{self.ext}"
        return f"the image '{self.alt}' ({short})" if self.alt else f"the image {short}"

    @property
    def label_start(self) -> str:
        return "T" + self.label[1:]

    def read(self) -> bytes:
        """The bytes, checked against the name: a file that is not what the store wrote
        (damaged, or replaced by something else) is never sent."""
        data = self.path.read_bytes()
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise OSError(f"{self.ref} does not hold the bytes it was stored with")
        return data


@dataclass(frozen=True)
class MediaApi:
    """How a target takes images (an adapter's ``media`` class attribute; None: not at all).

    ``per_post``: an upload belongs to the one post it was made for (a Mastodon
    attachment cannot be reused by another status); otherwise one upload per
    target serves every post that shows the same picture.
    ``attached``: images go beside the text, not inside it (Mastodon), so the
    plain text drops its ``[image: …]`` markers. ``inline``: no upload, the bytes
    travel with what is sent (email, folder).
    """

    what: str  # where uploads go ("the WordPress media library"); inline: what happens
    formats: tuple[str, ...] = ("png", "jpg", "gif", "webp")
    max_bytes: int = MAX_BYTES
    max_count: int | None = None
    per_post: bool = False
    attached: bool = False
    inline: bool = False
    beside: bool = False  # the data folder's media/ files go beside the text (attachments too)


def images_in(markdown: str, home: Path | None) -> tuple[Image, ...]:
    """The images a post shows, in order, each once: ``![alt](media/…)`` outside code,
    naming a file of ``home``'s media store. Nothing else is ever looked at."""
    if home is None:
        return ()
    out: dict[str, Image] = {}
    for is_code, piece in split_code(markdown):
        if is_code:
            continue
        for m in _IMAGE_MD.finditer(piece):
            alt, ref = m.group(1).strip(), m.group(2)
            match = REF_RE.match(ref)
            if ref in out or match is None or match.group(2) not in SHOWN_FORMATS:
                continue
            path = Path(home) / ref
            try:
                size = path.stat().st_size if path.is_file() else -1
            except OSError:
                size = -1
            out[ref] = Image(ref, alt, path, size)
    return tuple(out.values())


def marker(alt: str) -> str:
    """What a target without images shows where the picture was."""
    return f"[image: {alt}]" if alt.strip() else "[image]"


def _img_attrs(tag: str) -> dict[str, str]:
    return {k.lower(): htmllib.unescape(v) for k, v in _ATTR.findall(tag)}


def shape_html(fragment: str, urls: dict[str, str], *, media_links: bool = False) -> str:
    """Each ``<img>`` of ours pointed at its address on the target; every other local
    image made ``[image: alt]``; links to local files made their text (with
    ``media_links``, links to the media store's attachments stay: their files go along)."""

    def img(m: re.Match[str]) -> str:
        attrs = _img_attrs(m.group(1))
        src, alt = attrs.get("src", ""), attrs.get("alt", "")
        if urls.get(src):
            return m.group(0).replace(f'src="{src}"', f'src="{htmllib.escape(urls[src])}"')
        if src.startswith(("https://", "http://", "data:")):
            # on the web (the reader's client loads it), or ours made inline by an export:
            # the sanitizer lets no data: URL through from the text itself
            return m.group(0)
        return htmllib.escape(marker(alt), quote=False)

    links = _FOREIGN_LINK if media_links else _LOCAL_LINK
    return links.sub(r"\1", _IMG_TAG.sub(img, fragment))


def shape_markdown(md: str, urls: dict[str, str]) -> str:
    """The Markdown form of the same: our images at their address, other local ones as
    ``[image: alt]``, links to local files as their text (code is left as written)."""

    def img(m: re.Match[str]) -> str:
        alt, src = m.group(1), m.group(2)
        if urls.get(src):
            return f"![{alt}]({urls[src]})"
        if src.startswith(("https://", "http://")):
            return m.group(0)
        return marker(alt)

    out = []
    for is_code, piece in _pieces(md):
        out.append(piece if is_code else _MD_LOCAL_LINK.sub(r"\1", _MD_IMAGE_ANY.sub(img, piece)))
    return "".join(out)


def _pieces(md: str) -> list[tuple[bool, str]]:
    """split_code, but keeping the fences, so the text joins back as it was."""
    out, pos = [], 0
    for m in re.finditer(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)|(`+)[^`\n]+\2",
                         md, re.M | re.S):  # fmt: skip
        out.append((False, md[pos : m.start()]))
        out.append((True, m.group(0)))
        pos = m.end()
    out.append((False, md[pos:]))
    return out


def without_markers(plain: str) -> str:
    """Plain text for a target that shows the images beside it (no ``[image: …]``)."""
    text = MARKER.sub("", plain)
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()


def shaped(post, api: MediaApi | None, images: tuple[Image, ...] | None = None):
    """The post as a target gets it (see the module docstring); ``images`` carry the
    addresses the target gave (after uploading), or the post's own when None."""
    images = post.images if images is None else images
    urls = {i.ref: i.url for i in images if i.url} if api is not None else {}
    if api is not None and api.inline and not urls:
        urls = {i.ref: i.ref for i in images}  # a folder keeps the files beside the text
    plain = without_markers(post.plain) if api is not None and api.attached else post.plain
    beside = api is not None and api.beside
    return replace(
        post,
        html=shape_html(post.html, urls, media_links=beside),
        markdown=shape_markdown(post.markdown, urls),
        plain=plain,
        images=images,  # kept, so the preview can say what became of them
    )


def no_images_note(label: str, images: tuple[Image, ...]) -> str:
    """What the preview says before sending to a target without images ("" if none):
    "Images are not sent to Slack: the text says [image: The lake at dawn] in its place."."""
    if not images:
        return ""
    if len(images) == 1:
        return (
            f"Images are not sent to {label}: the text says {marker(images[0].alt)} in its place."
        )
    return (
        f"Images are not sent to {label}: the text says [image: …] in place of each of the "
        f"{len(images)} pictures."
    )


_SIZES: dict[str, tuple[int, int]] = {}


def _pixel_size_of(path: str) -> tuple[int, int] | None:
    """A store file's size in pixels, read once: its name is its content's hash, so the
    same name never holds another picture (the preview asks again at every pause). A file
    not there (yet) is not remembered."""
    size = _SIZES.get(path)
    if size is None:
        size = file_pixel_size(Path(path))
        if size is not None and len(_SIZES) < 4096:
            _SIZES[path] = size
    return size


def with_sizes(fragment: str, images: tuple[Image, ...], width: int, height: int) -> str:
    """Give each of our ``<img>`` a width and height that fit width × height (read from the
    file's header), so a narrow preview shows a phone photo whole instead of a corner."""
    boxes: dict[str, tuple[int, int] | None] = {}
    for i in images:  # by our reference, and by the address the target gave it
        boxes[i.ref] = fit_within(_pixel_size_of(str(i.path)), width, height)
        if i.url:
            boxes[i.url] = boxes[i.ref]

    def sized(m: re.Match[str]) -> str:
        tag = m.group(0)
        box = boxes.get(_img_attrs(m.group(1)).get("src", ""))
        if box is None:
            return tag
        tag = re.sub(r'\s(width|height)="[^"]*"', "", tag)
        return tag[:4] + f' width="{box[0]}" height="{box[1]}"' + tag[4:]

    return _IMG_TAG.sub(sized, fragment)
