"""Full-text search: a Whoosh index of entries and feed items (Qt-free).

``SearchIndex`` is the entry point; see ``index.py`` for why it is fast,
``query.py`` for the query language and ``snippets.py`` for highlighting.
Importing this package fails with one clear ``WrongWhoosh`` message unless
the exact Whoosh release the engine is built against is installed
(``whoosh_version.py``); the submodules import Whoosh internals only after
that check.
"""

from pkm.core.search import whoosh_version

whoosh_version.check()

from pkm.core.search.index import Hit, SearchIndex, SearchResults  # noqa: E402
from pkm.core.search.schema import INDEX_VERSION, IndexDoc  # noqa: E402

__all__ = ["INDEX_VERSION", "Hit", "IndexDoc", "SearchIndex", "SearchResults"]
