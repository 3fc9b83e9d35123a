"""HTML allowlist sanitizing (nh3), shared by the Markdown renderer and feeds.

Whatever ends up in a QTextBrowser, an export or a published post passes
through here: no scripts, no event handlers, no javascript: URLs, no forms.
"""

from __future__ import annotations

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var", "wbr",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "id"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "span": {"class"},
    "code": {"class"},
    "time": {"datetime"},
}
URL_SCHEMES = {"http", "https", "mailto", "pkm"}
STYLE_PROPERTIES = {"text-align"}
# Only the checkbox of a Markdown task list survives, and it cannot be ticked.
TAG_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}, "checked": {"", "checked"}}}
SET_ATTRIBUTES = {"input": {"disabled": "disabled"}}


def clean_html(html: str, *, link_rel: str | None = "noopener noreferrer") -> str:
    """Return an allowlisted copy of `html`. Script and style contents are dropped, not shown."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style", "template", "textarea", "select", "noscript"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=link_rel,
        filter_style_properties=STYLE_PROPERTIES,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        set_tag_attribute_values=SET_ATTRIBUTES,
        strip_comments=True,
    )
