#!/usr/bin/env python3
"""Writes docs/settings.md from extension.json, so the two cannot disagree.

    python3 docs/generate-settings.py > docs/settings.md   regenerate it
    python3 docs/generate-settings.py --check              exit 1 if it is out of date

The settings come from extension.json's "config" (name, default, description);
the rights from "AvailableRights", "GroupPermissions", "AddGroups" and
"RemoveGroups", each described by its right-* message in i18n/en.json.
--check also fails when a setting has no description: the descriptions are
the documentation. Python 3 standard library only.
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_MD = ROOT / "docs" / "settings.md"


def php(value, indent=""):
    """A JSON value written as PHP, as it would be set in LocalSettings.php."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[ " + ", ".join(php(v) for v in value) + " ]"
    if isinstance(value, dict):
        if not value:
            return "[]"
        inner = indent + "\t"
        lines = [f"{inner}{php(k)} => {php(v, inner)}," for k, v in value.items()]
        return "[\n" + "\n".join(lines) + f"\n{indent}]"
    raise TypeError(f"cannot write {value!r} as PHP")


def anchor(heading):
    """The anchor GitHub and GitLab give a heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def describe(text):
    """A description as Markdown: setting names set in code."""
    return re.sub(r"(\$wg\w+(?:\[[^\]\s]*\])?)", r"`\1`", text)


def generate(extension, messages):
    out = [
        "<!-- Generated from extension.json by docs/generate-settings.py: do not edit."
        " Change the descriptions in extension.json, then run"
        " `python3 docs/generate-settings.py > docs/settings.md`. -->",
        "",
        "# Settings reference",
        "",
        "Every setting CaptchaGuard declares, with its default and what it does,"
        " from `extension.json`. Set them in `LocalSettings.php` after"
        " `wfLoadExtension( 'CaptchaGuard', … )`. The rights and groups it adds follow.",
        "",
        "Settings of other extensions and of PHP that matter to CaptchaGuard"
        " (ConfirmEdit's CAPTCHA, AbuseFilter's action switches, sessions and the"
        " object stash, the module's INI setting) are in"
        " [operations.md](operations.md#settings-outside-extensionjson).",
        "",
        "| Setting | Default |",
        "|---|---|",
    ]
    config = extension.get("config", {})
    for name, entry in config.items():
        default = php(entry.get("value"))
        shown = f"`{default}`" if "\n" not in default else "an array, see below"
        heading = f"$wg{name}"
        out.append(f"| [`{heading}`](#{anchor(heading)}) | {shown} |")
    for name, entry in config.items():
        default = php(entry.get("value"))
        out += ["", f"## $wg{name}", ""]
        if "\n" in default:
            out += ["Default:", "", "```php", f"$wg{name} = {default};", "```", ""]
        else:
            out += [f"Default: `{default}`", ""]
        if entry.get("merge_strategy") == "array_plus":
            out += ["Keys you set replace the default's; the others keep their default.", ""]
        out.append(describe(entry.get("description", "").strip()))

    rights = extension.get("AvailableRights", [])
    granted = extension.get("GroupPermissions", {})
    if rights:
        out += ["", "## Rights", "",
                "| Right | Granted by default to | What it allows |", "|---|---|---|"]
        for right in rights:
            groups = [g for g, perms in granted.items() if perms.get(right)]
            text = messages.get(f"right-{right}", "").strip()
            out.append(f"| `{right}` | {', '.join(f'`{g}`' for g in groups) or 'no group'} | {text} |")
        out += ["", "Grant or take them away in `LocalSettings.php`, for example"
                " `$wgGroupPermissions['steward']['emergencycaptcha-global'] = true;`."]
    new_groups = [g for g in granted if messages.get(f"group-{g}")]
    if new_groups:
        out += ["", "## Groups", ""]
        for group in new_groups:
            perms = ", ".join(f"`{r}`" for r, on in granted[group].items() if on)
            adders = [g for g, can in extension.get("AddGroups", {}).items() if group in can]
            removers = [g for g, can in extension.get("RemoveGroups", {}).items() if group in can]
            line = f"- `{group}` ({messages[f'group-{group}']}): {perms}."
            if adders:
                line += f" Added by {', '.join(f'`{g}`' for g in adders)}"
                line += f", removed by {', '.join(f'`{g}`' for g in removers)}." if removers else "."
            out.append(line)
    return "\n".join(out) + "\n"


def missing_descriptions(extension):
    return [name for name, entry in extension.get("config", {}).items()
            if not entry.get("description", "").strip()]


def main(argv):
    extension = json.loads((ROOT / "extension.json").read_text(encoding="utf-8"))
    messages = json.loads((ROOT / "i18n" / "en.json").read_text(encoding="utf-8"))
    text = generate(extension, messages)
    if "--check" in argv[1:]:
        problems = []
        missing = missing_descriptions(extension)
        if missing:
            problems.append("extension.json: settings without a description: " + ", ".join(missing))
        current = SETTINGS_MD.read_text(encoding="utf-8") if SETTINGS_MD.exists() else ""
        if current != text:
            problems.append("docs/settings.md is out of date with extension.json:"
                            " run 'python3 docs/generate-settings.py > docs/settings.md'")
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
