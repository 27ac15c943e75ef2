"""AG News from the internet: where it comes from, fetching it once, and checking its MD5s.

Introduced in notebook 00_start_here (its data check says how to get the files) and used by
`textrnn-lessons download`. Reading and splitting the files is data.py's job.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from ..settings import CACHE_ENV, DATA_ENV, cache_dir

_BASE_URL = "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/"

# One registry for the data: file name -> (URL, MD5). The same files torchtext used.
REGISTRY = {
    "train.csv": (_BASE_URL + "train.csv", "b1a00f826fdfbd249f79597b59e1dc12"),
    "test.csv": (_BASE_URL + "test.csv", "d52ea96a97a2d943681189a97654912d"),
}
# A mirror of the same files (e.g. an instructor's `python -m http.server` on the room's network).
MIRROR_ENV = "TEXTRNN_LESSONS_DATA_URL"
# "name=md5[,name=md5]": expect other bytes for the named files (tests, private copies); the
# files it names are then reported as not canonical, and unnamed files keep their published MD5.
MD5_ENV = "TEXTRNN_LESSONS_DATA_MD5"
# A download in progress lives in a folder of its own beside its target, named
# ".<file>.<random>" + STAGING_SUFFIX, holding pooch's temporary file and an OWNER file the
# downloading process keeps locked. A folder whose OWNER lock is free was left by a process
# that died (SIGKILL, power cut); the next download removes it. Nothing in it is ever read as data.
STAGING_SUFFIX = ".download"
OWNER = "owner.lock"
_ORPHAN_AGE_S = 60  # a staging folder with no OWNER file yet, older than this, is abandoned


class DataError(RuntimeError):
    """AG News could not be found, fetched or read; the message says what to do."""


def download_sources() -> dict[str, tuple[str, str]]:
    """The registry a download uses: REGISTRY, with $TEXTRNN_LESSONS_DATA_URL and _MD5 applied."""
    base = os.environ.get(MIRROR_ENV, "").strip()
    if base and urlsplit(base).scheme.lower() not in ("http", "https"):
        scheme = urlsplit(base).scheme
        kind = f"an {scheme}:// address" if scheme else "not a web address"
        raise DataError(
            f"{MIRROR_ENV}={base!r} is {kind}: the download speaks only http:// and "
            "https://. Give the http(s):// folder that holds train.csv and test.csv, "
            "or unset it."
        )
    expected = {name: md5 for name, (_, md5) in REGISTRY.items()}
    for item in filter(None, os.environ.get(MD5_ENV, "").split(",")):
        name, _, md5 = item.strip().partition("=")
        md5 = md5.strip().lower()
        if name not in REGISTRY or len(md5) != 32 or not all(c in "0123456789abcdef" for c in md5):
            raise DataError(
                f"{MD5_ENV} must look like 'train.csv=<32 hex digits>', separated by "
                f"commas; could not read {item!r}. Fix it or unset it."
            )
        expected[name] = md5
    return {
        name: ((base.rstrip("/") + "/" + name) if base else url, expected[name])
        for name, (url, _) in REGISTRY.items()
    }


def unreadable(path: Path, error: OSError) -> DataError:
    """The sentence for a data file that cannot be opened."""
    if isinstance(error, FileNotFoundError):
        return DataError(
            f"There is no file {path}. Download AG News (`textrnn-lessons download`), "
            f"or point {DATA_ENV} at the folder that holds train.csv and test.csv."
        )
    return DataError(
        f"Could not read {path} ({error.strerror or error}). Make it readable "
        f"(`chmod a+r {path}`, or ask whoever owns it), or point {DATA_ENV} at a "
        "folder with readable copies."
    )


def md5sum(path: Path) -> str:
    """MD5 of a file, read in chunks so big files don't fill memory."""
    digest = hashlib.md5()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as error:
        raise unreadable(Path(path), error) from None
    return digest.hexdigest()


def is_canonical(path: Path) -> bool:
    """True when the file is byte-identical to the canonical AG News file of that name."""
    expected = REGISTRY.get(Path(path).name, (None, None))[1]
    return expected is not None and Path(path).is_file() and md5sum(path) == expected


def download_ag_news(folder: Path | str | None = None, progress: bool = True) -> Path:
    """Fetch both files into `folder` (default: the user cache), verifying their MD5s.

    A file already there with the right MD5 is kept, so a filled folder needs no network.
    Each file is fetched into a staging folder beside it and moved into place only once
    its MD5 matches: an interrupted, killed or corrupted download never looks like data,
    and the next download clears what a killed one left.
    """
    target, fix = _target_folder(folder)
    sources = download_sources()
    remove_stale_downloads(target)
    for name, (url, md5) in sources.items():
        if (target / name).is_file() and md5sum(target / name) == md5:
            continue
        _fetch(url, md5, target / name, progress, fix)
    return target


def _target_folder(folder) -> tuple[Path, str]:
    """The folder to download into, created if missing, and what to do when it cannot be
    written; a sentence when it cannot be created."""
    if folder is None:
        target = cache_dir()
        where = (
            f"{CACHE_ENV} names this folder: set it"
            if os.environ.get(CACHE_ENV)
            else f"Set {CACHE_ENV}"
        )
        fix = (
            f"{where} to a folder you can write, or run `textrnn-lessons download --to DIR` "
            f"and set {DATA_ENV}=DIR."
        )
    elif not str(folder).strip():
        raise DataError(
            "The folder to download into is empty (''). Give a folder, such as "
            "`--to ~/ag_news`, or leave --to out to use the per-user cache."
        )
    else:
        target = Path(folder).expanduser()
        fix = "Choose a folder you can write (it is created if missing), or ask its owner."
    if target.exists() and not target.is_dir():
        raise DataError(
            f"{target} is a file, not a folder, so AG News cannot be downloaded into it. {fix}"
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataError(
            f"Could not create the folder {target} ({error.strerror or error}). {fix}"
        ) from None
    return target, fix


def _fetch(url: str, md5: str, destination: Path, progress: bool, fix: str) -> None:
    """Download one file into a locked staging folder, verify it, then move it into place."""
    import pooch
    from filelock import lock_descriptor

    name, folder = destination.name, destination.parent
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=STAGING_SUFFIX, dir=folder))
    except OSError as error:
        raise DataError(
            f"Could not write into {folder} ({error.strerror or error}), so {name} "
            f"cannot be downloaded there. {fix}"
        ) from None
    owner = os.open(staging / OWNER, os.O_RDWR | os.O_CREAT, 0o600)
    logger = pooch.get_logger()
    try:
        lock_descriptor(owner)
        logger.info("Downloading %s to %s", url, destination)
        logger.disabled = True  # pooch's own line would name the staging folder
        pooch.retrieve(url, known_hash=f"md5:{md5}", fname=name, path=staging, progressbar=progress)
        _make_readable(staging / name)
        os.replace(staging / name, destination)
    except Exception as error:
        problem = _download_problem(error, url, destination)
        if problem is error:
            raise
        raise problem from error
    finally:
        logger.disabled = False
        os.close(owner)  # closing releases the lock
        shutil.rmtree(staging, ignore_errors=True)


def _download_problem(error: Exception, url: str, destination: Path) -> Exception:
    """The sentence for a failed download; errors of other kinds pass through unchanged."""
    import requests

    name, folder = destination.name, destination.parent
    mirror = f" (from ${MIRROR_ENV})" if os.environ.get(MIRROR_ENV) else ""
    response = getattr(error, "response", None)
    if isinstance(error, requests.exceptions.HTTPError) and response is not None:
        status = f"HTTP {response.status_code} {response.reason}".strip()
        meaning = ": it has no such file" if response.status_code == 404 else ""
        return DataError(
            f"The server answered {status} for {url}{mirror}{meaning}, so {name} was not "
            f"downloaded into {folder}. Check the address (the folder it names must hold "
            f"train.csv and test.csv) and try again later if the server is busy; or put both "
            f"files in a folder and set {DATA_ENV} to it."
        )
    if isinstance(error, requests.exceptions.RequestException):
        return DataError(
            f"Could not download {url}{mirror} ({type(error).__name__}): the host could not "
            f"be reached, or the connection broke off part way (nothing partial was kept). "
            f"Looked for {name} in {folder}. Check the connection and run `textrnn-lessons "
            f"download` again, or put train.csv and test.csv in a folder and set {DATA_ENV} to it."
        )
    if isinstance(error, ValueError):  # pooch's hash mismatch; the file was not kept
        return DataError(
            f"The file downloaded from {url} is corrupted or incomplete ({error}). "
            f"{name} was not kept in {folder}; run the download again."
        )
    if isinstance(error, OSError):
        return DataError(
            f"Could not save {name} in {folder} ({error.strerror or error}); "
            "nothing partial was kept. Free some space or choose a folder you can "
            "write, and run the download again."
        )
    return error


def remove_stale_downloads(folder: Path) -> list[Path]:
    """Delete staging folders that killed downloads left in `folder`; returns what went.

    A staging folder is stale when nobody holds its OWNER lock (the process that made it
    is gone); one still locked belongs to a download running right now and is left alone.
    """
    removed = []
    for staging in sorted(folder.glob(f".*{STAGING_SUFFIX}")):
        ours = any(staging.name.startswith(f".{name}.") for name in REGISTRY)
        if ours and staging.is_dir() and _abandoned(staging):
            shutil.rmtree(staging, ignore_errors=True)
            removed.append(staging)
    return removed


def _abandoned(staging: Path) -> bool:
    """True when no living process holds the staging folder's OWNER lock."""
    from filelock import lock_descriptor

    try:
        owner = os.open(staging / OWNER, os.O_RDWR)
    except FileNotFoundError:  # killed before its lock existed, or made a moment ago
        try:
            return time.time() - staging.stat().st_mtime > _ORPHAN_AGE_S
        except OSError:
            return False
    except OSError:  # not ours to open: leave it
        return False
    try:
        return lock_descriptor(owner, blocking=False)
    finally:
        os.close(owner)


def _make_readable(path: Path) -> None:
    """Give a downloaded file the permissions the umask allows: pooch leaves it private (0600),
    which breaks a folder shared with a room."""
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o666 & ~mask)
