"""Move a templates folder's approvals.toml to approvals that cover layouts (issue #16).

Before, an approval named the SHA-256 of a template's body alone; now it names the hash
of the body and every template it extends, includes or imports
(:func:`dunletters.approvals.content_sha256`). This rewrites, in place, each approval
whose hash is the body hash of the template as it is now into the hash of that body
with the layouts as they are now — the team's reviewed wording and the layouts it
ships with. Approvals of older bodies are left as they are (they approve nothing now
either). Run it once per templates folder, then review the diff before committing:

    .venv/bin/python scripts/migrate_approvals.py templates/ [examples/templates/ …]
"""

from __future__ import annotations

import sys
from pathlib import Path

from dunletters.approvals import APPROVALS_FILE
from dunletters.registry import BUILTIN_TEMPLATES, Registry


def migrate(root: Path) -> int:
    """Rewrite the folder's body-only approvals of current bodies; how many were."""
    path = root / APPROVALS_FILE
    if not path.is_file():
        return 0
    builtin = root.resolve() == BUILTIN_TEMPLATES.resolve()
    registry = Registry.load([] if builtin else [root])
    text = path.read_text(encoding="utf-8")
    changed = 0
    for template in registry:
        here = Path(template.origin).resolve() == root.resolve()
        if template.content_sha256 == template.body_sha256 or not here:
            continue
        old = f'template = "{template.name}"\nsha256 = "{template.body_sha256}"'
        changed += text.count(old)
        text = text.replace(
            old, f'template = "{template.name}"\nsha256 = "{template.content_sha256}"'
        )
    path.write_text(text, encoding="utf-8")
    return changed


def main(folders: list[str]) -> int:
    """Each folder's count of migrated approvals."""
    if not folders:
        print(__doc__)
        return 2
    for folder in folders:
        print(f"{folder}：改写 {migrate(Path(folder))} 条审核记录")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
