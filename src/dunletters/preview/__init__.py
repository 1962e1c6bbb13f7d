"""Preview: see a template as the debtor will, while you write it (issue #6).

Two front ends over one set of pure functions (:mod:`dunletters.preview.core`):

* ``dunletters preview TEMPLATE_OR_KEY`` renders one template for a synthetic sample
  account (or a record), lints it like ``dunletters lint`` and writes a PNG, PDF,
  HTML or SMS text;
* ``dunletters serve`` (:mod:`dunletters.preview.app`) is a local Starlette app: the
  registry as a stage × tone matrix, a page per template with the real PDF, the
  HTML, the SMS as a phone shows it, the findings highlighted in the text, and live
  reload when a template file is saved.

Nothing here renders or lints on its own: the registry, :class:`~dunletters.rendering.Renderer`,
:class:`~dunletters.pdf.PdfRenderer` and the linter do, exactly as in a batch.
"""

from __future__ import annotations

__all__: list[str] = []
