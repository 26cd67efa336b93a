"""The public demo's configuration: what a hosted server must have, read from the files it starts with."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from core import captioning, forecasting, settings_io, text, video
from core.uploads import RECEIVE_MB

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
UPLOAD_LIMITS_MB = {"forecasting": forecasting.MAX_UPLOAD_MB, "text": text.MAX_UPLOAD_MB,
                    "video": video.MAX_UPLOAD_MB, "captioning": captioning.MAX_UPLOAD_MB,
                    "settings file": settings_io.MAX_SETTINGS_FILE_KB / 1024}


@pytest.mark.parametrize(("section", "name", "value"), [
    ("server", "headless", True),
    ("server", "enableXsrfProtection", True),
    ("browser", "gatherUsageStats", False),
    ("client", "showErrorDetails", "none"),
    ("client", "toolbarMode", "viewer"),
    ("runner", "magicEnabled", False),
])
def test_config_is_set_for_a_public_server(section, name, value):
    assert CONFIG[section][name] == value


def test_theme_is_set():
    assert re.fullmatch(r"#[0-9a-f]{6}", CONFIG["theme"]["primaryColor"])


def test_server_takes_in_more_than_any_page_accepts_so_the_page_can_say_a_file_is_too_large():
    assert CONFIG["server"]["maxUploadSize"] == RECEIVE_MB > max(UPLOAD_LIMITS_MB.values())


def test_every_uploader_states_and_enforces_its_own_limit():
    uploaders = [call for path in [*ROOT.glob("views/*.py"), *ROOT.glob("ui/*.py")]
                 for call in re.findall(r"st\.file_uploader\((.*?)\n\s*help=", path.read_text(), re.S)]
    assert len(uploaders) == len(UPLOAD_LIMITS_MB)
    for call in uploaders:
        assert "max_upload_size=" in call and re.search(r"at most \{", call), call


def _dockerfile_command() -> list[str]:
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return json.loads(line.removeprefix("CMD "))


def test_image_starts_the_dashboard_with_the_readme_run_command():
    """The image runs what a laptop runs (scripts/run.sh), only listening beyond loopback."""
    readme_command = re.search(r"^\./(scripts/run\.sh)\b", (ROOT / "README.md").read_text(), re.M).group(1)
    assert _dockerfile_command() == [readme_command, "--server.address", "0.0.0.0"]


def test_image_runs_as_a_non_root_user_on_8501_with_a_health_check():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert re.search(r"^USER (?!root)\w+$", dockerfile, re.M)
    assert re.search(r"^EXPOSE 8501$", dockerfile, re.M)
    assert "/_stcore/health" in dockerfile.split("HEALTHCHECK", 1)[1]
    assert "8501" in (ROOT / "scripts" / "run.sh").read_text()


def test_keras_is_pinned_at_a_version_that_refuses_unsafe_model_files():
    pinned = re.search(r"^keras==(\d+)\.(\d+)\.(\d+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert tuple(map(int, pinned.groups())) >= (3, 15, 1)


def test_no_page_loads_a_model_file():
    """Keras cannot reliably detect a malicious model file: nothing a visitor uploads is ever loaded as one."""
    sources = "\n".join(path.read_text() for folder in ("views", "ui", "core") for path in (ROOT / folder).glob("*.py"))
    assert not re.findall(r"load_model\(|load_weights\(|pickle\.loads?\(|np\.load\(", sources)
    accepted = re.findall(r"st\.file_uploader\(.*?type=\[(.*?)\]", sources, re.S)
    assert accepted and not [types for types in accepted if re.search(r"keras|h5|pkl|npz|npy", types)]
