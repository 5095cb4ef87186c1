"""Check the installed dependencies for known vulnerabilities, or fail saying it could not.

pip-audit prints "No known vulnerabilities found" even when it never reached its advisory
database (every package then carries a skip reason). So this script trusts a clean result
only when, in the same run, the service also flagged a canary: a release with published
advisories (Django 3.2.0). Exit codes: 0 checked and clean, 1 vulnerabilities found,
2 could not check (treat as not run).
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CANARY = "django==3.2.0"
SERVICE = sys.argv[1] if len(sys.argv) > 1 else "pypi"
OUR_OWN = {"commons"}  # installed from this folder, not from PyPI


def could_not_check(message: str) -> None:
    print(f"COULD NOT CHECK: {message} Treat the audit as not run.", file=sys.stderr)
    sys.exit(2)


def pip_audit(*args: str) -> dict:
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner",
               "off", "--vulnerability-service", SERVICE, *args]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        message = (result.stderr.strip().splitlines() or ["no output"])[-1]
        could_not_check(f"pip-audit failed ({message}).")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        canary = Path(folder) / "canary.txt"
        canary.write_text(CANARY + "\n")
        probe = pip_audit("--requirement", str(canary), "--no-deps", "--disable-pip")
    if not any(dependency.get("vulns") for dependency in probe["dependencies"]):
        could_not_check(
            f"the {SERVICE} advisory service did not flag {CANARY}, which has published "
            "advisories, so it was not reached."
        )
    report = pip_audit()
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if d.get("skip_reason") and d["name"] not in OUR_OWN]
    if skipped:
        for dependency in skipped:
            print(f"  not checked: {dependency['name']}: {dependency['skip_reason']}")
        could_not_check(f"{len(skipped)} packages were skipped.")
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(
                f"  {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})"
            )
    checked = len(dependencies) - len(OUR_OWN & {d["name"] for d in dependencies})
    if vulnerable:
        sys.exit(f"{len(vulnerable)} of {checked} packages have known vulnerabilities.")
    print(f"Checked {checked} packages against {SERVICE}: no known vulnerabilities.")


if __name__ == "__main__":
    main()
