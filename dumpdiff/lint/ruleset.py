"""Find rule files: the default rules shipped with dumpdiff, plus folders given with --rules.

Where the default rules live: the canonical copy is the repository's top-level `rules/`
folder (rule YAML plus fixtures). dumpdiff looks, in this order, at
  1. `$DUMPDIFF_RULES_DIR` when set;
  2. `<checkout>/rules/` next to the `dumpdiff` package (source trees, editable installs:
     always the live copy);
  3. `<sys.prefix>/share/dumpdiff/rules/`, where a regular install puts `rules/*.yaml`
     through setuptools `data-files` (see docs/facts.md; no symlink, no copy in the repo).
"""

from __future__ import annotations

import os
import site
import sys
import sysconfig
from pathlib import Path

from dumpdiff.errors import RuleError
from dumpdiff.lint.rule import Rule, load_rule

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def default_rules_dir() -> str | None:
    """The folder of the shipped rules, or None when this installation has none."""
    env = os.environ.get("DUMPDIFF_RULES_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(_PACKAGE_DIR.parent / "rules")
    # Installed: the data scheme of this interpreter (venv or system), or the user's base.
    for base in (sys.prefix, sysconfig.get_path("data"), site.getuserbase()):
        candidates.append(Path(base) / "share" / "dumpdiff" / "rules")
    for cand in candidates:
        if cand.is_dir() and rule_files(str(cand)):
            return str(cand)
    return None


def rule_files(path: str) -> list[str]:
    """Rule files in a folder (not recursive: fixtures live in subfolders), or the file itself."""
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise RuleError(path, "no such rules folder or file")
    return sorted(os.path.join(path, n) for n in os.listdir(path)
                  if n.endswith((".yaml", ".yml")) and not n.startswith((".", "_")))


def load_rules(paths: list[str], include_default: bool = True) -> list[Rule]:
    """Compile every rule; a duplicate id across files is a RuleError naming both."""
    folders: list[str] = []
    if include_default:
        default = default_rules_dir()
        if default is None:
            raise RuleError("rules", "the default rules folder was not found; set "
                                     "DUMPDIFF_RULES_DIR or pass --rules")
        folders.append(default)
    folders.extend(paths)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for folder in folders:
        for file in rule_files(folder):
            rule = load_rule(file)
            if rule.id in seen and os.path.abspath(seen[rule.id]) != os.path.abspath(file):
                raise RuleError(file, f"rule id {rule.id} is already defined in {seen[rule.id]}")
            if rule.id not in seen:
                seen[rule.id] = file
                rules.append(rule)
    return rules
