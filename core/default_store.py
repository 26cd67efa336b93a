"""The built-in default models on disk: trained by the first replica, loaded by every other one.

A replica behind HAProxy trains every page's default model before it listens
(deploy/replica.py): minutes of CPU each time one starts. With
``SEQUENCE_LAB_DEFAULTS_DIR`` set to a directory the replicas share (a volume
in deploy/compose.yaml), the first replica saves each default there and the
others, and every later restart, load it in seconds. Without it, nothing is
written or read, and each server trains its own defaults as before.

Only defaults go there. The one way in, :meth:`DefaultStore.train_and_save`,
takes a :class:`core.warmup.DefaultJob` and runs it itself: the pages' default
settings on built-in or generated data. Nothing a visitor trained or brought
can reach the directory, and visitors' uploads are never loaded as models.

The format holds no code. Each default is a directory named by its key:

* ``manifest.json``: what the entry is (the job's key, package versions and
  backend, a hash of ``core``'s source) and the SHA-256 of every other file;
* ``result.json``: the TrainResult's fields; a dataclass by its name, rebuilt
  only if it is a dataclass of ``core``; no pickle anywhere;
* ``arrays.npz``: its NumPy arrays, read with ``allow_pickle=False``;
* ``model-N.keras``: each Keras model, in Keras's own format, loaded with
  ``safe_mode=True`` (our layers are registered as serializable).

Trust: only the server writes this directory. Keras warns that a crafted model
file can run code, which is why the app never loads a file from anyone else.
The manifest catches what goes wrong on the server's own side: a file torn by
a crash, changed or left by another version of the code or packages (stale).
Such an entry is logged, retrained and replaced, so a bad file never stops a
replica. Checksums are no defence against someone who can write the directory
(they could as well change the code): mount it for the replicas alone.

Two replicas starting at once may both train a default; each writes into a
directory of its own and renames it into place, an atomic step: the first
rename wins, the other's copy is dropped, and either result is the same model.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import json
import logging
import os
import platform
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd

from core.replicas import DEFAULTS_VARIABLE
from core.training import TrainResult
from core.warmup import DefaultJob

FORMAT = 1  # raised whenever what is written changes, so older entries are retrained
MANIFEST, STRUCTURE, ARRAYS = "manifest.json", "result.json", "arrays.npz"
FILE_NAME = re.compile(r"(result\.json|arrays\.npz|model-\d+\.keras)")  # all an entry may hold beside its manifest
CORE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


class StoreError(ValueError):
    """An entry that is not what this server would have written: missing, torn, changed or stale."""


def store_from_environment() -> DefaultStore | None:
    """The store the replicas share, if ``SEQUENCE_LAB_DEFAULTS_DIR`` names one; None on a server alone."""
    directory = os.environ.get(DEFAULTS_VARIABLE, "").strip()
    return DefaultStore(Path(directory)) if directory else None


class DefaultStore:
    """Default jobs' results in ``directory``, one subdirectory per job and environment."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def entry(self, job: DefaultJob) -> Path:
        """Where ``job``'s result lives: named by the job's key and everything that could make it stale."""
        return self.directory / hashlib.sha256(json.dumps(describe(job), sort_keys=True).encode()).hexdigest()[:24]

    def load(self, job: DefaultJob) -> TrainResult | None:
        """``job``'s saved result, or None when there is none or it is not valid (logged, and set aside)."""
        entry = self.entry(job)
        if not os.path.lexists(entry):  # a link counts as there (and is refused below), even a dangling one
            return None
        try:
            return read_entry(entry, describe(job))
        except Exception as err:  # a bad file must never stop a replica: it trains the default instead
            log.warning("Default store: %s not loaded from %s (%s: %s); training it again", job.page, entry,
                        type(err).__name__, err)
            _set_aside(entry)
            return None

    def train_and_save(self, job: DefaultJob, slot: Callable[[], AbstractContextManager]) -> TrainResult:
        """Train ``job`` inside ``slot()`` (the server's admission queue), save it, and return it.

        A result that cannot be saved is logged and returned all the same: the
        replica serves it and the next one trains it again.
        """
        with slot():
            result = job.run(None)
        try:
            write_entry(result, self.directory, self.entry(job), describe(job))
        except Exception as err:
            log.warning("Default store: %s not saved in %s (%s: %s)", job.page, self.directory,
                        type(err).__name__, err)
        return result


def _set_aside(entry: Path) -> None:
    """Rename a bad entry out of the way (atomic, so no replica reads it half deleted), then delete it."""
    aside = entry.with_name(f".bad-{entry.name}-{os.getpid()}-{threading.get_ident()}")
    try:
        entry.rename(aside)
    except OSError:  # another replica set it aside first
        return
    if aside.is_dir() and not aside.is_symlink():
        shutil.rmtree(aside, ignore_errors=True)
    else:
        aside.unlink(missing_ok=True)


def describe(job: DefaultJob) -> dict[str, str]:
    """What must match for a saved result to be this job's: its key, the code and packages that trained it."""
    return {"job": job.key, "page": job.page, "format": str(FORMAT), "python": platform.python_version(),
            "keras": keras.__version__, "backend": keras.backend.backend(), "backend_version": _backend_version(),
            "numpy": np.__version__, "pandas": pd.__version__, "core": _source_hash()}


def _backend_version() -> str:
    return importlib.import_module(keras.backend.backend()).__version__


@functools.cache  # once per process: the code does not change while it runs
def _source_hash() -> str:
    """A hash of ``core``'s source: a changed computation makes every saved default stale."""
    digest = hashlib.sha256()
    for path in sorted(CORE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- writing


def write_entry(result: TrainResult, directory: Path, entry: Path, description: dict[str, str]) -> None:
    """Write ``result`` into a fresh directory beside ``entry``, then rename it into place (atomic).

    If another replica's rename came first, theirs is kept and this copy dropped.
    """
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=directory))
    try:
        encoder = Encoder()
        (staging / STRUCTURE).write_text(json.dumps(encoder.encode(result)))
        np.savez(staging / ARRAYS, **encoder.arrays)
        for name, model in encoder.models.items():
            model.save(staging / name)
        files = {path.name: _sha256(path) for path in staging.iterdir()}
        (staging / MANIFEST).write_text(json.dumps({"entry": description, "files": files}, indent=1))
        try:
            staging.rename(entry)
        except OSError:
            if not entry.is_dir():  # the rename failed for another reason than a replica that stored it first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class Encoder:
    """A TrainResult as JSON, with its NumPy arrays and Keras models set aside under the names it refers to.

    Every value that is not a JSON number, string, bool or None becomes a
    ``{"~": kind, ...}`` object; anything of a kind not listed here is refused
    (TypeError), so nothing is written that could not be read back as it was.
    """

    def __init__(self):
        self.arrays: dict[str, np.ndarray] = {}
        self.models: dict[str, keras.Model] = {}
        self._model_names: dict[int, str] = {}  # a model met twice is saved once and loaded as one object

    def encode(self, value: Any) -> Any:
        """``value`` as JSON data; exact types kept (a NumPy scalar is not turned into a Python number)."""
        if value is None or type(value) in (bool, int, float, str):
            return value
        if isinstance(value, (list, tuple)):
            return {"~": type(value).__name__, "items": [self.encode(item) for item in value]}
        if type(value) is dict:
            return {"~": "dict", "items": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, (np.ndarray, np.generic)):
            return self._array(np.asarray(value), isinstance(value, np.generic))
        if isinstance(value, keras.Model):
            name = self._model_names.setdefault(id(value), f"model-{len(self._model_names)}.keras")
            self.models[name] = value
            return {"~": "model", "file": name}
        if isinstance(value, (pd.DataFrame, pd.Series, pd.Index, pd.Timestamp)):
            return self._pandas(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            cls = type(value)
            return {"~": "dataclass", "module": cls.__module__, "name": cls.__qualname__,
                    "fields": {f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
        raise TypeError(f"a {type(value).__module__}.{type(value).__qualname__} cannot be stored")

    def _array(self, array: np.ndarray, scalar: bool) -> dict[str, Any]:
        """A reference to the array, kept aside for the .npz file (which holds no pickled objects)."""
        if array.dtype == object:  # strings and Nones in a table column: kept as JSON, never pickled
            if array.ndim != 1:
                raise TypeError(f"an object array of shape {array.shape} cannot be stored")
            return {"~": "objects", "items": [self.encode(item) for item in array.tolist()]}
        name = f"a{len(self.arrays)}"
        self.arrays[name] = array
        return {"~": "array", "name": name, "scalar": scalar}

    def _pandas(self, value: pd.DataFrame | pd.Series | pd.Index | pd.Timestamp) -> dict[str, Any]:
        if isinstance(value, pd.Timestamp):
            return {"~": "timestamp", "iso": value.isoformat(), "unit": value.unit}
        if isinstance(value, pd.DataFrame):
            return {"~": "frame", "columns": self.encode(list(value.columns)), "index": self.encode(value.index),
                    "data": [self._column(value.iloc[:, i]) for i in range(value.shape[1])]}
        if isinstance(value, pd.Series):
            return {"~": "series", "name": self.encode(value.name), "index": self.encode(value.index),
                    "data": self._column(value)}
        if isinstance(value, pd.MultiIndex):
            raise TypeError("a pandas MultiIndex cannot be stored")
        freq = value.freqstr if isinstance(value, pd.DatetimeIndex) else None  # a period's is in its dtype
        return {"~": "index", "name": self.encode(value.name), "data": self._column(value), "freq": freq}

    def _column(self, values: pd.Series | pd.Index) -> dict[str, Any]:
        """A column's values and its dtype's name, so "category" or "string" come back as they were."""
        return {"values": self.encode(values.to_numpy()), "dtype": str(values.dtype)}


# ---------------------------------------------------------------- reading


def read_entry(entry: Path, description: dict[str, str]) -> TrainResult:
    """The result in ``entry``, after checking it is what this server writes for ``description``."""
    files = checked_files(entry, description)
    with np.load(files[ARRAYS], allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    models = {name: keras.saving.load_model(path, safe_mode=True) for name, path in files.items()
              if name.endswith(".keras")}
    result = Decoder(arrays, models).decode(json.loads(files[STRUCTURE].read_text()))
    if not isinstance(result, TrainResult):
        raise StoreError(f"{entry} holds a {type(result).__name__}, not a training result")
    return result


def checked_files(entry: Path, description: dict[str, str]) -> dict[str, Path]:
    """The entry's files by name, each a plain file inside ``entry`` whose SHA-256 is the manifest's.

    Refused (StoreError): an entry for other code, packages or settings; a name
    outside the few this module writes (so no path leads out of the entry); a
    link; a file missing, added or changed since it was written.
    """
    if entry.is_symlink() or not entry.is_dir():
        raise StoreError(f"{entry} is not a directory of its own")
    manifest = json.loads((entry / MANIFEST).read_text())
    if manifest.get("entry") != description:
        raise StoreError("written for other code, packages or settings (stale)")
    listed, present = manifest.get("files", {}), {path.name for path in entry.iterdir()} - {MANIFEST}
    if set(listed) != present or not all(FILE_NAME.fullmatch(name) for name in listed):
        raise StoreError(f"files {sorted(present)} are not those written ({sorted(listed)})")
    files = {name: entry / name for name in listed}
    for name, path in files.items():
        if path.is_symlink() or not path.is_file():
            raise StoreError(f"{name} is not a plain file")
        if _sha256(path) != listed[name]:
            raise StoreError(f"{name} changed since it was written")
    return files


class Decoder:
    """The inverse of :class:`Encoder`: rebuilds only JSON values, arrays, models, pandas objects and core's
    dataclasses; any other class name is refused, so a file cannot make it import or call anything else."""

    def __init__(self, arrays: dict[str, np.ndarray], models: dict[str, keras.Model]):
        self.arrays, self.models = arrays, models

    def decode(self, data: Any) -> Any:
        """What :meth:`Encoder.encode` was given, from what it returned."""
        if not isinstance(data, dict):
            return data
        kind = data["~"]
        if kind in ("list", "tuple"):
            items = [self.decode(item) for item in data["items"]]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            return {self.decode(k): self.decode(v) for k, v in data["items"]}
        if kind == "array":
            array = self.arrays[data["name"]]
            return array[()] if data["scalar"] else array
        if kind == "objects":
            column = np.empty(len(data["items"]), dtype=object)
            column[:] = [self.decode(item) for item in data["items"]]
            return column
        if kind == "model":
            return self.models[data["file"]]
        if kind == "dataclass":
            return self._dataclass(data)
        return self._pandas(kind, data)

    def _dataclass(self, data: dict[str, Any]) -> Any:
        """One of core's dataclasses, with exactly the fields it has now (else the entry is stale)."""
        module = data["module"]
        if module != "core" and not module.startswith("core."):
            raise StoreError(f"{module}.{data['name']} is not one of core's classes")
        cls = getattr(importlib.import_module(module), data["name"], None)
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise StoreError(f"{module}.{data['name']} is not a dataclass of core")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        if set(fields) != set(data["fields"]):
            raise StoreError(f"{cls.__qualname__} has other fields now (stale)")
        values = {name: self.decode(value) for name, value in data["fields"].items()}
        made = cls(**{name: value for name, value in values.items() if fields[name].init})
        for name, value in values.items():
            if not fields[name].init:
                object.__setattr__(made, name, value)
        return made

    def _pandas(self, kind: str, data: dict[str, Any]) -> Any:
        if kind == "timestamp":
            return pd.Timestamp(data["iso"]).as_unit(data["unit"])
        if kind == "frame":
            columns = [self._column(column) for column in data["data"]]
            frame = pd.DataFrame(dict(enumerate(columns)), index=self.decode(data["index"]))
            frame.columns = pd.Index(self.decode(data["columns"]))
            return frame
        if kind == "series":
            return pd.Series(self._column(data["data"]), index=self.decode(data["index"]), name=self.decode(
                data["name"]))
        if kind == "index":
            values, name = self._column(data["data"]), self.decode(data["name"])
            return pd.DatetimeIndex(values, freq=data["freq"], name=name) if data["freq"] else pd.Index(values,
                                                                                                         name=name)
        raise StoreError(f"unknown kind {kind!r}")

    def _column(self, column: dict[str, Any]) -> pd.api.extensions.ExtensionArray:
        """A column's values in their own dtype, ready to become a frame's column, a series or an index."""
        return pd.Series(self.decode(column["values"])).astype(column["dtype"]).array
