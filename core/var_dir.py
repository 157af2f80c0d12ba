"""VAR_DIR, the folder of runtime files, made by the commands that use it rather than the settings.

migrate (the SQLite database lives there), demo, and the Celery worker and beat (the file-system
broker's folders, beat's schedule) call var_dir_prepare(); `check`, the tests' settings import,
mypy and the image build leave the disk as it is.
"""

import os
from pathlib import Path

from django.conf import settings

# The file-system broker's folders, as its transport options name them (settings.py).
BROKER_FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def var_dir_prepare() -> None:
    """Create VAR_DIR, the static root, the broker's folders and the development key if missing.

    Safe to call from several processes starting at once; what exists already is kept.
    """
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    folders = [Path(settings.VAR_DIR), Path(settings.STATIC_ROOT)]
    folders += [Path(str(options[name])) for name in BROKER_FOLDER_OPTIONS if name in options]
    for folder in folders:
        # WhiteNoise warns about a missing static root; the broker cannot create its folders.
        folder.mkdir(parents=True, exist_ok=True)
    if settings.DEVELOPMENT_SECRET_KEY_FILE is not None:
        development_key_keep(Path(settings.DEVELOPMENT_SECRET_KEY_FILE), settings.SECRET_KEY)


def development_key_keep(key_file: Path, key: str) -> None:
    """Write this process's key for the processes that follow, unless a key is there already."""
    try:
        # O_EXCL: of processes starting together the first writes; the file is never replaced.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
