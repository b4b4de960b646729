"""Open documents whose lines are split the way LSP says (``\\n``, ``\\r\\n``, ``\\r``).

pygls splits with ``str.splitlines``, which also breaks lines at form feeds, ``\\x1c``-``\\x1e``,
``\\x85``, U+2028 and U+2029. Editors do not, so an edit below a form feed (common in
older Python sources) landed on the wrong line and the server's text silently diverged
from the editor's. These classes only change how lines are split.
"""

from __future__ import annotations

from collections.abc import Sequence

from pygls.workspace import Workspace
from pygls.workspace.text_document import TextDocument

from .positions import lsp_lines


class LspTextDocument(TextDocument):
    @property
    def lines(self) -> Sequence[str]:
        return tuple(lsp_lines(self.source))


class LspWorkspace(Workspace):
    def _create_text_document(self, doc_uri, source=None, version=None, language_id=None) -> TextDocument:  # type: ignore[override]
        return LspTextDocument(
            doc_uri, source=source, version=version, language_id=language_id,
            sync_kind=self._sync_kind, position_codec=self._position_codec,
        )

    @classmethod
    def replacing(cls, workspace: Workspace) -> "LspWorkspace":
        """The same workspace (root, folders, encoding), with LSP line splitting."""
        return cls(workspace.root_uri, workspace._sync_kind, list(workspace.folders.values()), workspace.position_encoding)
