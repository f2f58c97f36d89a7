#!/usr/bin/env bash
# Builds the installable packages of the OpenCart extension:
#   <out>/oc3/bridge_webhook.ocmod.zip   OpenCart 3.0.x  (install.xml + upload/)
#   <out>/oc4/bridge_webhook.ocmod.zip   OpenCart 4.0.x and 4.1.x  (install.json + admin/ catalog/ system/)
# The 4.x installer takes the extension code from the file name, so it must stay
# bridge_webhook.ocmod.zip. Output is byte-for-byte reproducible: sorted entries, fixed
# timestamps and permissions. Usage: build.sh [out-dir]   (default: dist/ next to this script)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/dist}"

command -v python3 >/dev/null || { echo "build.sh: python3 is required (Debian: apt-get install -y python3)" >&2; exit 1; }

python3 - "$here/src" "$out" <<'PY'
import os
import sys
import zipfile

src, out = sys.argv[1], sys.argv[2]

# Package path prefix for each source folder. The library and the admin language file are
# shared by both packages.
LAYOUTS = {
    "oc3": [
        ("oc3", ""),
        ("library/bridge_webhook", "upload/system/library/bridge_webhook"),
        ("language/en-gb/bridge_webhook.php", "upload/admin/language/en-gb/extension/module/bridge_webhook.php"),
    ],
    "oc4": [
        ("oc4", ""),
        ("library/bridge_webhook", "system/library/bridge_webhook"),
        ("language/en-gb/bridge_webhook.php", "admin/language/en-gb/module/bridge_webhook.php"),
    ],
}
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def entries(source, target):
    path = os.path.join(src, source)
    if os.path.isfile(path):
        yield target, path
        return
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, path).replace(os.sep, "/")
            yield (target + "/" + rel if target else rel), full


for package, layout in LAYOUTS.items():
    files = dict(item for source, target in layout for item in entries(source, target))
    os.makedirs(os.path.join(out, package), exist_ok=True)
    target = os.path.join(out, package, "bridge_webhook.ocmod.zip")
    with zipfile.ZipFile(target + ".tmp", "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            with open(files[name], "rb") as fh:
                zf.writestr(info, fh.read())
    os.replace(target + ".tmp", target)
    print(f"{target}: {len(files)} files")
PY
