#!/usr/bin/env python3
"""Writes extension.json's AutoloadClasses: every class, interface, trait and
enum declared under includes/. MediaWiki finds a class of this map with one
array lookup; through AutoloadNamespaces it tries each registered namespace
and asks the file system (make bench: the flagged edit loads about 17 of
CaptchaGuard's classes). With --check, only says whether the map is current.
Run by `make autoload` and checked by `make autoload-check`."""
import json, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
declaration = re.compile(r"^(?:final |abstract |readonly )*(?:class|interface|trait|enum) (\w+)", re.M)
classes = {}
for path in sorted((root / "includes").rglob("*.php")):
    text = path.read_text()
    namespace = re.search(r"^namespace ([\w\\]+);", text, re.M)
    for name in declaration.findall(text):
        qualified = f"{namespace.group(1)}\\{name}" if namespace else name
        classes[qualified] = str(path.relative_to(root))
classes = dict(sorted(classes.items()))

manifest_path = root / "extension.json"
current = manifest_path.read_text()
manifest = json.loads(current)
rebuilt = {}
for key, value in manifest.items():
    if key == "AutoloadClasses":
        continue
    rebuilt[key] = value
    if key == "AutoloadNamespaces":
        rebuilt["AutoloadClasses"] = classes
wanted = json.dumps(rebuilt, indent="\t", ensure_ascii=False) + "\n"
if "--check" in sys.argv:
    if wanted != current:
        sys.exit("extension.json's AutoloadClasses is out of date: run 'make autoload'")
    print(f"AutoloadClasses: {len(classes)} classes, current")
else:
    manifest_path.write_text(wanted)
    print(f"AutoloadClasses: {len(classes)} classes written")
