"""Full-text search: a Whoosh index of entries and feed items (Qt-free).

``SearchIndex`` is the entry point; see ``index.py`` for why it is fast,
``query.py`` for the query language and ``snippets.py`` for highlighting.
"""

from pkm.core.search.index import Hit, SearchIndex, SearchResults
from pkm.core.search.schema import INDEX_VERSION, IndexDoc

__all__ = ["INDEX_VERSION", "Hit", "IndexDoc", "SearchIndex", "SearchResults"]
