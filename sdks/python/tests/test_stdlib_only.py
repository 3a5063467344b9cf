"""Importing browserfleet loads nothing but the standard library (checked in a fresh interpreter)."""

import json
import os
import subprocess
import sys
import unittest

from bf_support import SRC

# Run in a clean interpreter (-I: no PYTHONPATH, no user site): lists every module that importing
# the SDK and using its entry points loaded (what the interpreter's startup, e.g. a .pth file of
# the machine's site-packages, loaded before is not the SDK's doing), with where each came from.
PROBE = r"""
import sys
sys.path.insert(0, sys.argv[1])
before = set(sys.modules)
import browserfleet
from browserfleet import Client, verify_webhook
Client(api_key="agt_live_" + "0" * 32)
verify_webhook(b"{}", {"x-agents-signature": "0" * 64}, "whsec_AAAA")
loaded = {name: module for name, module in sys.modules.items() if name not in before}
import json, sysconfig
paths = sysconfig.get_paths()
stdlib = [paths["stdlib"], paths["platstdlib"]]
site = [p for p in sys.path if "site-packages" in p or "dist-packages" in p]
out = []
for name, module in loaded.items():
    out.append([name, getattr(module, "__file__", None)])
print(json.dumps({"modules": out, "stdlib": stdlib, "site": site,
                  "names": sorted(getattr(sys, "stdlib_module_names", [])), "builtin": sorted(sys.builtin_module_names)}))
"""


class StandardLibraryOnly(unittest.TestCase):
    def test_no_third_party_module_is_imported(self) -> None:
        answer = subprocess.run([sys.executable, "-I", "-c", PROBE, SRC], capture_output=True, text=True, check=True)
        report = json.loads(answer.stdout)
        listed = set(report["names"])
        builtin = set(report["builtin"])
        sdk_root = os.path.join(os.path.realpath(SRC), "browserfleet")
        foreign = []
        for name, file in report["modules"]:
            top = name.split(".")[0]
            if top == "browserfleet":
                self.assertTrue(file is None or os.path.realpath(file).startswith(sdk_root), f"{name} from {file}")
                continue
            if top in builtin:
                continue
            if listed:  # Python >= 3.10: the interpreter's own list of standard modules.
                if top in listed:
                    continue
                foreign.append((name, file))
            else:  # 3.9: a standard module is built in, frozen, or a file of the stdlib folders outside site-packages.
                if file is None:
                    continue
                real = os.path.realpath(file)
                in_stdlib = any(real.startswith(os.path.realpath(p) + os.sep) for p in report["stdlib"])
                in_site = "site-packages" in real or "dist-packages" in real
                if not in_stdlib or in_site:
                    foreign.append((name, file))
        self.assertEqual(foreign, [], "modules outside the standard library were imported")
        self.assertIn("browserfleet.client", dict(report["modules"]))

    def test_the_package_declares_no_dependencies(self) -> None:
        with open(os.path.join(os.path.dirname(SRC), "pyproject.toml"), encoding="utf-8") as handle:
            text = handle.read()
        self.assertIn("dependencies = []", text)
        self.assertIn('requires-python = ">=3.9"', text)


if __name__ == "__main__":
    unittest.main()
