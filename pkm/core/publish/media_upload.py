"""Sending a post's images: checked against the target's limits, uploaded once, referenced.

`Attempt` (attempt.py) calls `for_target` between the adapter's discovery and
its plan, so a dry run and a real publish agree on everything but the upload:

1. Limits first, before anything is sent: each image must be in the data folder,
   of a format and under a size the target takes, and no more of them than it
   shows (Mastodon: 4). One image that fails stops this target's publish with one
   line naming the image and the limit; the other targets are not affected
   (`Publishing.publish_many` runs each on its own).
2. Each image is uploaded with the target's media API (`Adapter.upload_image`),
   unless this target already has it: the address the target gave is kept in the
   target's cache (`media:<sha256>`, or `media:<entry id>:<sha256>` where an upload
   belongs to one post, as on Mastodon), so publishing an edit again, or another
   post with the same photo, uploads nothing. The cache goes with the target (and
   is cleared when its address changes), which is exactly when the uploads stop
   being valid; no table of its own is needed.
3. The references are replaced by those addresses in what is sent
   (post_media.shaped). A target without a media API gets ``[image: alt]``.
"""

from __future__ import annotations

from dataclasses import replace

from pkm.core.publish.base import Adapter, Post, PublishError, Request
from pkm.core.publish.post_media import Image, MediaApi, no_images_note, shaped


def read_image(image: Image) -> bytes:
    """The image's bytes to send, or one sentence saying why they cannot be."""
    try:
        return image.read()
    except OSError:
        raise PublishError(
            f"{image.label_start} cannot be read from the data folder (the file "
            "is damaged or was changed). Add the picture to the post again."
        ) from None


def cache_key(api: MediaApi, entry_id: int, image: Image) -> str:
    return f"media:{entry_id}:{image.sha256}" if api.per_post else f"media:{image.sha256}"


def _mb(n: int) -> str:
    """A size as people read it: 640 KB, 2.4 MB, 16 MB."""
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{round(n / 1000):,} KB"
    return f"{n / 1_000_000:.1f} MB" if n < 10_000_000 else f"{n / 1_000_000:.0f} MB"


def check_limits(adapter: Adapter, api: MediaApi, images: tuple[Image, ...]) -> None:
    """PublishError with one line naming the image and the limit it breaks."""
    where = adapter.label
    if api.max_count is not None and len(images) > api.max_count:
        raise PublishError(
            f"The post has {len(images)} images and {where} shows at most {api.max_count} "
            f"with a post. Remove {len(images) - api.max_count} of them from the post (their "
            "place in the journal entry stays), then publish again."
        )
    for image in images:
        if image.size < 0:
            raise PublishError(
                f"{image.label_start} is not in the data folder any more, so it cannot "
                f"be sent to {where}. Add the picture to the post again, or remove it."
            )
        if image.ext not in api.formats:
            raise PublishError(
                f"{image.label_start} is a {image.ext.upper()} file, and {where} takes "
                f"only {', '.join(f.upper() for f in api.formats)} images. Save it in one of "
                "those formats and add it again."
            )
        if image.size > api.max_bytes:
            raise PublishError(
                f"{image.label_start} is {_mb(image.size)}, over the {_mb(api.max_bytes)} "
                f"{where} takes for an image. Add a smaller copy of it (most photo apps can "
                "export one), then publish again."
            )


def for_target(adapter: Adapter, post: Post, *, upload: bool) -> Post:
    """The post as this target will get it; with ``upload``, images it lacks are sent first.

    Without ``upload`` (a dry run) an image not yet uploaded keeps its ``media/…``
    reference, and `upload_requests` lists what would be sent for it.
    """
    api = adapter.media_api()
    if api is None or not post.images:
        return shaped(post, api)
    check_limits(adapter, api, post.images)
    if api.inline:
        return shaped(post, api)
    done: list[Image] = []
    for image in post.images:
        key = cache_key(api, post.entry_id, image)
        known = adapter.cache.get(key)
        if isinstance(known, dict) and known.get("url"):
            image = replace(image, url=str(known["url"]), remote_id=str(known.get("id", "")))
        elif upload:
            data = read_image(image)
            adapter.say(f"Uploading {image.label} to {adapter.label}…")
            try:
                url, remote_id = adapter.upload_image(image, data)
            except PublishError as exc:
                if not exc.uncertain:
                    raise
                # No answer to an upload: the post itself was not sent, and trying again at
                # worst stores the picture twice there; never "it may have been posted".
                raise PublishError(
                    f"{adapter.where} did not answer while taking {image.label}, so nothing "
                    "was posted. Publish again (at worst the picture is stored there twice).",
                    status=exc.status,
                ) from None
            adapter.remember(**{key: {"url": url, "id": remote_id}})
            image = replace(image, url=url, remote_id=remote_id)
        done.append(image)
    return shaped(post, api, tuple(done))


def upload_requests(adapter: Adapter, post: Post) -> list[Request]:
    """What a real publish would upload first (for the dry run): images not yet there."""
    api = adapter.media_api()
    if api is None or api.inline:
        return []
    return [adapter.upload_request(i) for i in post.images if not i.url]


def note(adapter: Adapter, post: Post) -> str:
    """One sentence for the preview about this target and the post's images ("" if none)."""
    api = adapter.media_api()
    if api is None:
        return no_images_note(adapter.label, post.images)
    if not post.images:
        return ""
    one = len(post.images) == 1
    n = "The image" if one else f"The {len(post.images)} images"
    if api.inline:
        return f"{n} {'is' if one else 'are'} {api.what}."
    waiting = [i for i in post.images if not i.url]
    if not waiting:
        return f"{n} {'is' if one else 'are'} already on {adapter.label}: nothing to upload."
    if len(waiting) == len(post.images):
        return f"{n} will be uploaded to {api.what} first."
    return f"{len(waiting)} of the {len(post.images)} images will be uploaded to {api.what} first."


def as_previewed(adapter: Adapter | None, post: Post, label: str = "") -> tuple[Post, str]:
    """The post as the target will show it, nothing sent (the post window's preview), and
    the sentence about its images. None as the adapter: a place with no API at all (a
    LinkedIn post to copy), named by ``label``. A limit the post breaks is the sentence
    (the same line publishing would stop with)."""
    if adapter is None:  # the text is copied and pasted there by hand (LinkedIn)
        said = no_images_note(label, post.images)
        return shaped(post, None), (f"{said} Add the picture there after pasting." if said else "")
    api = adapter.media_api()
    if api is not None and post.images:
        try:
            check_limits(adapter, api, post.images)
        except PublishError as exc:
            return shaped(post, api), str(exc)
    known = []
    for image in post.images:
        cached = adapter.cache.get(cache_key(api, post.entry_id, image)) if api else None
        url = str(cached.get("url", "")) if isinstance(cached, dict) else ""
        known.append(replace(image, url=url))
    ready = replace(post, images=tuple(known))
    # the preview draws the pictures from the data folder: keep our references in the HTML
    view = shaped(ready, api, tuple(replace(i, url=i.ref) for i in post.images) if api else None)
    return replace(view, images=post.images), note(adapter, ready)
