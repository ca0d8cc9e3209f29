"""The HTML exporter behind the feedback files.

nbconvert's ``HTMLExporter`` re-parses every page it renders with BeautifulSoup to add ``tabindex``
to JupyterLab-style cell wrappers and alt text to images. nbgrader's feedback template is built on
the classic template, which has no such wrappers, so the re-parse (half the cost of a feedback
file: every highlighted token is a tag) only ever adds the alt text. This exporter renders the same
template and adds the alt text directly, and keeps for the next student what does not change
between students: the compiled templates and the highlighted source of each cell (most cells of a
submission, the release's text and tests, are the same in every submission).
"""
import json
import re

import jinja2

from nbconvert.exporters.html import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

ALT_TEXT = "No description has been provided for this image"
IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)", re.IGNORECASE)


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates shared by every exporter of the process (keyed by name and source)."""

    def __init__(self):
        self._store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _MemoryBytecodeCache()
_HIGHLIGHTED = {}  # (lexer, formatter options, language, magics language, source) -> HTML
_HIGHLIGHTED_MAX = 20_000  # cells; a grading process that reaches it starts afresh


class CachedHighlight2HTML(Highlight2HTML):
    """``Highlight2HTML`` that highlights each distinct cell source once per process."""

    def __call__(self, source, language=None, metadata=None):
        magics = (metadata or {}).get("magics_language")
        key = (self.pygments_lexer, json.dumps(self.extra_formatter_options, sort_keys=True, default=str),
               language, magics, source)
        html = _HIGHLIGHTED.get(key)
        if html is None:
            if len(_HIGHLIGHTED) >= _HIGHLIGHTED_MAX:
                _HIGHLIGHTED.clear()
            html = _HIGHLIGHTED[key] = super().__call__(source, language, metadata)
        return html


class FeedbackExporter(HTMLExporter):
    """``HTMLExporter`` without the BeautifulSoup pass (configured as ``HTMLExporter``)."""

    def _create_environment(self):
        env = super()._create_environment()
        env.bytecode_cache = _TEMPLATES  # nbgrader makes a new exporter per student
        return env

    def from_notebook_node(self, nb, resources=None, **kw):
        # as HTMLExporter.from_notebook_node, up to its re-parse of the rendered page
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", CachedHighlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return IMG_WITHOUT_ALT.sub(f'<img alt="{ALT_TEXT}"', html), resources
