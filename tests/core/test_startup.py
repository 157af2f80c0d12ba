"""Start-up stays light: loading the site imports no heavy library that only some work needs.

Every command, test run, gunicorn worker and Celery worker loads the settings, the apps and the
URLs; pandas, numpy and plotly are imported by the functions that compute with them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Libraries that take a large share of a start-up each (pandas and numpy together: 0.5-2 s).
HEAVY_MODULES = ["pandas", "numpy", "scipy", "plotly", "openpyxl", "matplotlib"]
LOAD_THE_SITE = f"""
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from loyaltyqms.celery import app
app.loader.import_default_modules()  # what a Celery worker loads: every app's tasks
print(json.dumps(sorted(name for name in {HEAVY_MODULES!r} if name in sys.modules)))
"""


def test_loading_the_apps_urls_and_tasks_imports_no_heavy_library(tmp_path: Path) -> None:
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "loyaltyqms.settings",
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path / "var"),
    }

    result = subprocess.run(
        [sys.executable, "-c", LOAD_THE_SITE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
