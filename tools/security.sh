#!/usr/bin/env bash
# Security checks: bandit (medium severity and up) over the shipped code and the load tooling, and
# pip-audit over the installed environment. Prints how many packages pip-audit could actually check,
# so an audit that found nothing because it could look nothing up is not mistaken for a clean one.
# Usage: tools/security.sh [PYTHON]   (default: .venv/bin/python; needs the "security" extra installed)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
bin=$(dirname "$python")
status=0

echo "security: bandit -ll"
"$bin/bandit" -ll -q -r planner benchmarks/load.py benchmarks/locustfile.py tests/reliability || status=1

echo "security: pip-audit (installed environment; the project itself is editable and skipped)"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if "$bin/pip-audit" --skip-editable --progress-spinner off -f json -o "$report"; then
  :
else
  status=1
fi
"$python" - "$report" <<'PY'
import json, sys
deps = json.load(open(sys.argv[1]))["dependencies"]
checked = [d for d in deps if "skip_reason" not in d]
vulnerable = [d for d in checked if d.get("vulns")]
print(f"security: pip-audit checked {len(checked)} of {len(deps)} installed packages; "
      f"{len(vulnerable)} with known vulnerabilities")
for d in vulnerable:
    print(f"  {d['name']} {d['version']}: {', '.join(v['id'] for v in d['vulns'])}")
if not checked:
    print("security: WARNING: PyPI's vulnerability data knew none of the installed versions, so nothing was audited")
PY
exit "$status"
