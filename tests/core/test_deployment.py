"""The public demo's configuration: what a hosted server must have, read from the files it starts with."""

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from core import captioning, forecasting, settings_io, text, video, warmup
from core.replicas import DEFAULTS_VARIABLE, PAGE_COOKIE, REPLICA_VARIABLE, moved_from, queue_line
from core.training import TrainingSettings, TrainResult
from core.uploads import RECEIVE_MB
from deploy import config as deploy_config
from deploy.local import HAPROXY
from deploy.replica import warm_defaults
from tests.core.test_default_store import tiny_job
from ui.session import shared_results

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


STORE = ROOT / "core" / "default_store.py"  # the one reader of model files: defaults the server saved itself
LOADING = r"load_model\(|load_weights\(|pickle\.loads?\(|np\.load\("


def test_no_page_loads_a_model_file():
    """Keras cannot reliably detect a malicious model file: nothing a visitor uploads is ever loaded as one.

    Only core/default_store.py loads model files: the default models the
    replicas saved in their own directory, in Keras's safe mode, arrays
    without pickle, and no pickle at all.
    """
    paths = [path for folder in ("views", "ui", "core") for path in (ROOT / folder).glob("*.py") if path != STORE]
    sources = "\n".join(path.read_text() for path in paths)
    assert not re.findall(LOADING, sources)
    accepted = re.findall(r"st\.file_uploader\(.*?type=\[(.*?)\]", sources, re.S)
    assert accepted and not [types for types in accepted if re.search(r"keras|h5|pkl|npz|npy", types)]
    store = STORE.read_text()
    loads = re.findall(rf"[\w.]*(?:{LOADING})[^\n]*", store)
    assert sorted(call.split("(")[0] for call in loads) == ["keras.saving.load_model", "np.load"]
    assert all("safe_mode=True" in call or "allow_pickle=False" in call for call in loads), loads
    assert not re.search(r"^\s*(import|from) (pickle|dill|joblib|cloudpickle)\b", store, re.M)


# Replicas behind HAProxy (deploy/): one template for compose and for local processes.

def test_checked_in_compose_files_are_what_the_template_renders():
    """deploy/haproxy.cfg and compose.yaml come from deploy/config.py; an edit by hand would drift."""
    assert (ROOT / "deploy" / "haproxy.cfg").read_text() == deploy_config.compose_haproxy_config(
        deploy_config.COMPOSE_REPLICAS)
    assert (ROOT / "deploy" / "compose.yaml").read_text() == deploy_config.compose_file(deploy_config.COMPOSE_REPLICAS)


@pytest.mark.skipif(not Path(HAPROXY).exists(), reason="no haproxy (scripts/test.sh installs it)")
@pytest.mark.parametrize("rendering", ["compose", "local"])
def test_haproxy_accepts_both_renderings(tmp_path, rendering):
    text = (deploy_config.compose_haproxy_config(3) if rendering == "compose" else
            deploy_config.haproxy_config("127.0.0.1:8080", {"replica-1": "127.0.0.1:8601",
                                                            "replica-2": "127.0.0.1:8602"}))
    (tmp_path / "haproxy.cfg").write_text(text)
    checked = subprocess.run([HAPROXY, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_each_replica_is_sticky_by_its_own_name_and_checked_on_streamlits_health_endpoint():
    config = deploy_config.haproxy_config("127.0.0.1:1", {"replica-1": "127.0.0.1:2", "replica-2": "127.0.0.1:3"})
    assert re.search(rf"^\s+cookie {deploy_config.STICKY_COOKIE} insert\b", config, re.M)
    assert re.findall(r"^\s+server (\S+) \S+ cookie (\S+)$", config, re.M) == [("replica-1", "replica-1"),
                                                                              ("replica-2", "replica-2")]
    assert re.search(r"^\s+option httpchk GET /_stcore/health$", config, re.M)
    assert re.search(r"^\s+option redispatch$", config, re.M)
    assert re.search(r"^\s+timeout tunnel 1h$", config, re.M)  # a page's WebSocket outlives an idle minute
    assert f"{PAGE_COOKIE}=%[srv_name]" in config


def test_haproxy_without_replicas_is_refused_in_words():
    with pytest.raises(ValueError, match="at least one replica"):
        deploy_config.haproxy_config("127.0.0.1:1", {})


def test_every_compose_replica_names_itself_as_haproxy_does_and_shares_the_xla_cache_and_the_defaults():
    """One volume on every replica: XLA's compiled programs and the default models the first replica saved."""
    compose = (ROOT / "deploy" / "compose.yaml").read_text()  # the template's rendering (test above)
    replicas = re.findall(r"^  (replica-\d+):\n(.*?)(?=^  \S|^\S)", compose, re.M | re.S)
    assert [name for name, _ in replicas] == [f"replica-{n}" for n in range(1, deploy_config.COMPOSE_REPLICAS + 1)]
    for name, service in replicas:
        assert re.search(rf"^\s+{REPLICA_VARIABLE}: {name}$", service, re.M)
        assert re.search(r"^\s+JAX_COMPILATION_CACHE_DIR: /shared/xla$", service, re.M)
        assert re.search(rf"^\s+{DEFAULTS_VARIABLE}: /shared/defaults$", service, re.M)
        assert re.search(r"^\s+- shared:/shared$", service, re.M)
    assert re.search(r"^volumes:\n  shared:$", compose, re.M)
    assert "RUN mkdir /shared && chown lab:lab /shared" in (ROOT / "Dockerfile").read_text()  # the app user's


def test_the_sidebar_line_names_the_replica_only_behind_a_load_balancer():
    assert queue_line("replica-2", 1, 3) == "Server **replica-2**: 1 training running, 3 waiting in line."
    assert queue_line("", 2, 0) == "This server: 2 trainings running, 0 waiting in line."


@pytest.mark.parametrize(("cookies", "replica", "moved"), [
    ({PAGE_COOKIE: "replica-1"}, "replica-2", "replica-1"),  # its replica died; it reconnected here
    ({PAGE_COOKIE: "replica-2"}, "replica-2", ""),  # served here
    ({}, "replica-2", ""),  # no load balancer stamped it
    ({PAGE_COOKIE: "replica-1"}, "", ""),  # a server alone knows no replicas
])
def test_a_page_knows_it_moved_only_from_another_named_replica(cookies, replica, moved):
    assert moved_from(cookies, replica) == moved


def test_a_replica_warms_every_default_into_the_shared_results_and_skips_one_that_fails(monkeypatch, capsys):
    def no_data(on_epoch_end):
        raise ValueError("no data")

    jobs = [warmup.DefaultJob("A", TrainingSettings(seed=1), "a", lambda _: "model A"),
            warmup.DefaultJob("B", TrainingSettings(seed=2), "b", no_data),
            warmup.DefaultJob("C", TrainingSettings(seed=3), "c", lambda _: "model C")]
    monkeypatch.setattr(warmup, "default_jobs", lambda: iter(jobs))
    monkeypatch.delenv(DEFAULTS_VARIABLE, raising=False)  # a server alone: nothing read from or written to disk
    shared_results.clear()
    warm_defaults()
    assert [shared_results().get(job.key) for job in jobs] == ["model A", None, "model C"]
    assert "Warm-up: B failed (ValueError: no data); visitors will train it" in capsys.readouterr().out
    shared_results.clear()


def test_a_replica_loads_the_defaults_another_one_saved_instead_of_training_them(monkeypatch, tmp_path, capsys):
    trainings = []
    jobs = [tiny_job(trainings)]
    monkeypatch.setattr(warmup, "default_jobs", lambda: iter(jobs))
    monkeypatch.setenv(DEFAULTS_VARIABLE, str(tmp_path))
    for _ in ("the first replica", "the next one"):
        shared_results.clear()
        warm_defaults()
        assert isinstance(shared_results().get(jobs[0].key), TrainResult)
    shared_results.clear()
    assert trainings == [1]
    logged = capsys.readouterr().out
    assert "Tiny default model ready after" in logged
    assert "(trained and saved to disk)" in logged and "(loaded from disk)" in logged
