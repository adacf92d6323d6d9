"""nbconvert's HTML exporter without the work our pages do not need: the same lab page, about 4x cheaper.

Measured on the sample's pages (``benchmarks/pages.py``), nbconvert's ``HTMLExporter`` spends most of a page on:

- parsing the finished page (a megabyte of embedded charts) with BeautifulSoup and writing it out again, only to
  add ``tabindex="0"`` to the input and output areas (keyboard focus) and a placeholder alternative text to an
  image without one. :func:`focusable` adds the same attribute with one regular expression; our images carry
  their chart's title as alternative text (the template);
- checking the notebook against the schema once after each of its 12 preprocessors (disabled ones included). The
  only one our pages use writes the code-highlighting CSS into the head, the same for every page: it runs once
  per exporter, and the notebook (just executed by nbclient) is not validated again. Left out with the others:
  the highlighting of ``%%`` cell magics, which only a page shown with its code could show (ours have none);
- building a new markdown parser for every markdown text and, to embed images, parsing every HTML snippet in it
  with BeautifulSoup. A notebook's prose is the same from region to region and month to month: each text is
  rendered once per process (:meth:`PageExporter.markdown2html`), texts that may embed a file excepted;
- reading the lab CSS (250 KB) from disk for every page: read once.

What the template receives is otherwise unchanged, so a page reads, looks and prints as before.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat import NotebookNode

try:  # jinja2 >= 3.0
    from jinja2 import pass_context
except ImportError:  # pragma: no cover - older jinja2
    from jinja2 import contextfilter as pass_context

# the areas nbconvert's exporter makes focusable: ``.jp-Notebook div.jp-Cell-inputWrapper, ... jp-OutputArea-output``
_FOCUSABLE = re.compile(
    r'(<div class="(?:[^"]*\s)?(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?:\s[^"]*)?")(?=[\s>/])'
)
_NUMERIC_REFERENCE = re.compile(r"&#(\d+);")
_MAY_EMBED = re.compile(r"<img|!\[", re.IGNORECASE)  # markdown whose rendering may read an image file
MARKDOWN_CACHE = 2048  # distinct texts kept per exporter: every prose cell of every notebook, both languages


def focusable(page: str) -> str:
    """``page`` with ``tabindex="0"`` on each cell's input wrapper and each output, in the body only."""
    start = page.find("<body")
    if start < 0:
        return page
    return page[:start] + _FOCUSABLE.sub(r'\1 tabindex="0"', page[start:])


def readable(fragment: str) -> str:
    """``fragment`` with the non-ASCII characters its headings carry as ``&#NNNN;`` written as themselves.

    nbconvert writes a heading out with ``xml.etree`` (to add its anchor), which spells ``市场`` ``&#24066;&#22330;``;
    its BeautifulSoup pass turned them back. A browser reads both the same; the page stays searchable as text.
    """
    return _NUMERIC_REFERENCE.sub(_character, fragment)


def _character(reference: re.Match) -> str:
    code = int(reference[1])
    return chr(code) if 127 < code < 0x110000 and not 0xD800 <= code < 0xE000 else reference[0]


class PageExporter(HTMLExporter):
    """``HTMLExporter`` for salesnb pages: the same template and filters, the costs above left out.

    Build it with the usual ``HTMLExporter`` options (``template_name``, ``exclude_input`` ...). It keeps state
    between pages (the markdown it rendered, the head's CSS): one exporter serves one thread at a time.
    """

    def __init__(self, **kw: Any):
        kw.setdefault("default_preprocessors", [])
        super().__init__(**kw)
        self._markdown_cached = functools.lru_cache(maxsize=MARKDOWN_CACHE)(self._markdown_uncached)
        self._css_cached = functools.lru_cache(maxsize=8)(self._css_uncached)
        self._inlining: dict[str, Any] | None = None

    # -- markdown, once per text ---------------------------------------------------------------------------
    def _markdown_uncached(self, source: str, path: str) -> str:
        context = {"cell": {}, "resources": {"metadata": {"path": path}}}
        return readable(HTMLExporter.markdown2html(self, context, source))

    @pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        """The markdown filter of nbconvert, remembered by text (cells with attachments or images rendered anew)."""
        cell = context.get("cell", {})
        if cell.get("attachments") or _MAY_EMBED.search(source):
            return readable(HTMLExporter.markdown2html(self, context, source))
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        return self._markdown_cached(source, path)

    # -- the head, once -------------------------------------------------------------------------------------
    def _css_uncached(self, name: str) -> str:
        env = self.environment
        return env.loader.get_source(env, name)[0]

    def _init_resources(self, resources: dict[str, Any]) -> dict[str, Any]:
        import markupsafe

        resources = super()._init_resources(resources)
        resources["include_css"] = lambda name: markupsafe.Markup(  # noqa: S704 - our own template's CSS files
            f'<style type="text/css">\n{self._css_cached(name)}</style>'
        )
        if self._inlining is None:  # the code-highlighting CSS (and a user's custom.css): the same for every page
            _, made = CSSHTMLHeaderPreprocessor(parent=self).preprocess(NotebookNode(), resources)
            self._inlining = made["inlining"]
        resources["inlining"] = self._inlining
        return resources

    # -- the page, without the BeautifulSoup round trip ------------------------------------------------------
    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
        """``HTMLExporter.from_notebook_node`` with :func:`focusable` in place of its BeautifulSoup pass."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return focusable(page), resources
