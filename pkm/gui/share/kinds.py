"""How each kind of target is described in the window: one line, and only its fields.

The core knows the protocols; this module only says, in an executive's
words, what each kind does and which boxes the Add target dialog shows for
it (address, user name, secret, a few options). What is valid is still the
core's decision (``ws.publishing.add_target`` checks everything again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class OptionField:
    key: str  # the core's option name (``--option key=value``)
    label: str
    placeholder: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()  # a drop-down instead of a text box


@dataclass(frozen=True)
class KindInfo:
    kind: str
    label: str  # "Slack"
    line: str  # one sentence: what publishing there does
    url_label: str = ""  # empty: the kind has no address box
    url_placeholder: str = ""
    user_label: str = ""  # empty: no user name box
    user_optional: bool = False
    secret_label: str = ""  # empty: no secret
    secret_optional: bool = False  # email: only when a user name is given
    secret_placeholder: str = ""
    options: tuple[OptionField, ...] = field(default_factory=tuple)
    drafts: bool = False
    can_edit: bool = True  # publishing again updates the post (else: a new message)
    webhook: bool = False  # the address is the secret
    badge: str = ""  # two letters drawn in the list's icon
    url_default: str = ""  # filled in for a new target (not only a placeholder)
    draft_label: str = "Publish as a draft first (you make it public on the site)"


#: Where a new Folder target writes unless the user picks another: a real folder in the
#: user's documents (~ is this user's home when the form is shown), made by the folder
#: adapter on the first publish.
DEFAULT_FOLDER = "~/Documents/pkm posts"

#: Folder first: it needs no account, so it is the one to try before any service.
KINDS: tuple[KindInfo, ...] = (
    KindInfo(
        "folder",
        "Folder",
        "No account needed: saves files in a folder (a site's, a vault, a shared drive).",
        url_label="Folder",
        url_placeholder=str(Path.home() / "Documents" / "Reflections"),  # this system's form
        url_default=DEFAULT_FOLDER,  # a real default, created on the first publish
        draft_label="Mark new files as drafts (draft: true in their front matter)",
        drafts=True,
        badge="F",
    ),
    KindInfo(
        "wordpress",
        "WordPress",
        "Creates a post on your WordPress site; publishing again updates it. Drafts supported.",
        url_label="Site address",
        url_placeholder="https://blog.example.com",
        user_label="User name",
        secret_label="Application password",
        secret_placeholder="Users → Profile → Application Passwords on your site",
        options=(OptionField("categories", "Categories", "Leadership, Strategy"),),
        drafts=True,
        badge="W",
    ),
    KindInfo(
        "ghost",
        "Ghost",
        "Creates a post on your Ghost site; publishing again updates it. Drafts supported.",
        url_label="Site address",
        url_placeholder="https://blog.example.com",
        secret_label="Admin API key",
        secret_placeholder="Ghost Admin → Settings → Integrations → Add custom integration",
        drafts=True,
        badge="G",
    ),
    KindInfo(
        "micropub",
        "Micropub",
        "Posts to an IndieWeb site (Micro.blog and many personal sites); updates in place.",
        url_label="Site address",
        url_placeholder="https://you.example.com",
        secret_label="Access token",
        options=(OptionField("endpoint", "Micropub endpoint (optional)", "found from the site"),),
        drafts=True,
        badge="M",
    ),
    KindInfo(
        "metaweblog",
        "Blog (MetaWeblog)",
        "Posts to blogs that speak MetaWeblog / XML-RPC (Movable Type and many others).",
        url_label="Blog address",
        url_placeholder="https://blog.example.com",
        user_label="User name",
        secret_label="Password",
        options=(OptionField("categories", "Categories", "Leadership, Strategy"),),
        drafts=True,
        badge="B",
    ),
    KindInfo(
        "slack",
        "Slack",
        "Posts to a channel through an incoming webhook. A message cannot be edited later.",
        secret_label="Incoming webhook URL",
        secret_placeholder="https://hooks.slack.com/services/…",
        can_edit=False,
        webhook=True,
        badge="S",
    ),
    KindInfo(
        "teams",
        "Microsoft Teams",
        "Posts a card to a channel through a Teams workflow webhook. It cannot be edited later.",
        secret_label="Workflow webhook URL",
        secret_placeholder="the URL of the channel's 'Teams webhook request' workflow",
        can_edit=False,
        webhook=True,
        badge="T",
    ),
    KindInfo(
        "mattermost",
        "Mattermost",
        "Posts to a channel through an incoming webhook. A message cannot be edited later.",
        secret_label="Incoming webhook URL",
        secret_placeholder="https://chat.example.com/hooks/…",
        options=(
            OptionField("channel", "Channel (optional)", "town-square"),
            OptionField("username", "Show as (optional)", "Anna"),
        ),
        can_edit=False,
        webhook=True,
        badge="MM",
    ),
    KindInfo(
        "viva-engage",
        "Viva Engage",
        "Posts to a community on Viva Engage (Yammer); publishing again replies in the thread.",
        secret_label="Access token",
        options=(
            OptionField("group_id", "Community id", "the number in the community's address", True),
        ),
        can_edit=False,
        badge="VE",
    ),
    KindInfo(
        "mastodon",
        "Mastodon",
        "Posts a status, cut to fit, linking to your blog post when there is one; updates in place.",
        url_label="Server address",
        url_placeholder="https://mastodon.social",
        secret_label="Access token",
        options=(
            OptionField("visibility", "Who can see it", choices=("public", "unlisted", "private")),
        ),
        badge="Ma",
    ),
    KindInfo(
        "matrix",
        "Matrix",
        "Posts a formatted message to a Matrix room (Element); publishing again edits it.",
        url_label="Homeserver",
        url_placeholder="https://matrix.example.org",
        secret_label="Access token",
        secret_placeholder="Element: Settings → Help & About → Advanced → Access Token",
        options=(OptionField("room", "Room", "#team:example.org or !abc…:example.org", True),),
        badge="Mx",
    ),
    KindInfo(
        "email",
        "Email",
        "Sends the reflection as an email: to yourself, your team or your assistant.",
        url_label="Mail server",
        url_placeholder="smtps://smtp.example.com:465",
        user_label="User name (if the server asks for one)",
        user_optional=True,
        secret_label="Password",
        secret_optional=True,
        options=(
            OptionField("to", "Send to", "team@example.com, me@example.com", True),
            OptionField("from", "From", "me@example.com", True),
            OptionField("subject_prefix", "Subject starts with (optional)", "[Reflection] "),
        ),
        can_edit=False,
        badge="@",
    ),
)

BY_KIND = {k.kind: k for k in KINDS}
FOLDER_FORMATS = (("md", "Markdown"), ("html", "Web page"), ("pdf", "PDF"), ("eml", "Email file"))


def info(kind: str) -> KindInfo:
    """The description of ``kind``; an unknown kind (a newer core) gets a plain one."""
    return BY_KIND.get(kind) or KindInfo(kind, kind.title(), "", badge=kind[:1].upper())


def label(kind: str) -> str:
    return info(kind).label


def shown_name(target: object) -> str:
    """A target's name as the user typed it ("Team blog"); its id otherwise ("team-blog")."""
    options = getattr(target, "options", {}) or {}
    return str(options.get("label") or getattr(target, "name", ""))
