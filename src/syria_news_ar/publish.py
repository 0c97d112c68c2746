"""Step 7, publish: upload a validated dataset folder to the Hugging Face Hub as one commit.

Never part of `dvc repro`. Before anything leaves the machine the folder must pass
`syria_news_ar.validate.validate(DIR)`, hold the card, `croissant.json` and `CITATION.cff`, and every
Parquet file must still have the sha256 that `croissant.json` records (a stale card is refused).

- `--dry-run` prints every file that would be uploaded (sorted relative paths, size, sha256) and
  contacts nobody.
- A real run creates the dataset repo if needed (`create_repo(exist_ok=True)`), the branch if
  `--revision` names one that is missing, then calls `HfApi.upload_folder(repo_type="dataset")`:
  one commit for a folder of this size (huggingface_hub batches commits only above 256 files or
  100 MB of non-LFS content).
- The token comes from `HF_TOKEN` or the user's saved login (huggingface_hub resolves it); it is
  never printed. The endpoint is `HF_ENDPOINT` (default https://huggingface.co).
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

REQUIRED_FILES = ("README.md", "croissant.json", "CITATION.cff")
# The same patterns huggingface_hub's upload_folder never uploads (huggingface_hub.utils._paths).
IGNORED = (".git", ".git/*", "*/.git", "**/.git/**", ".cache/huggingface", ".cache/huggingface/*",
           "*/.cache/huggingface", "**/.cache/huggingface/**")


class PublishRefused(Exception):
    """The folder is not fit to publish; nothing was uploaded."""

    def __init__(self, reason: str, details: list[str] | None = None) -> None:
        self.details = details or []
        super().__init__(reason)


@dataclass(frozen=True)
class Entry:
    path: str  # posix, relative to the folder
    size: int
    sha256: str


def manifest(folder: Path) -> list[Entry]:
    """Every file upload_folder would send, sorted by relative path."""
    from .croissant import file_sha256

    entries = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(folder).as_posix()
        if any(fnmatch.fnmatch(rel, pat) for pat in IGNORED):
            continue
        entries.append(Entry(rel, p.stat().st_size, file_sha256(p)))
    return sorted(entries, key=lambda e: e.path)


def check_folder(folder: Path) -> list[Entry]:
    """Refuse unless the folder validates, has its card files and matches its Croissant hashes."""
    from .validate import validate

    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise PublishRefused(f"{folder} lacks {', '.join(missing)}; build the card first (syria-news-ar build / card)")
    try:
        report = validate(folder)
    except Exception as exc:  # noqa: BLE001 - an unreadable folder is a failed validation
        raise PublishRefused(f"{folder} cannot be validated: {type(exc).__name__}: {exc}") from None
    if not report.ok:
        failures = report.lines()
        raise PublishRefused(f"{folder} fails validation ({len(failures)} check(s) failed)", failures)
    entries = manifest(folder)
    by_path = {e.path: e for e in entries}
    meta = json.loads((folder / "croissant.json").read_text(encoding="utf-8"))
    stale = []
    for obj in meta.get("distribution", []):
        if obj.get("@type") != "cr:FileObject":
            continue
        entry = by_path.get(obj.get("contentUrl", ""))
        if entry is None or entry.sha256 != obj.get("sha256"):
            stale.append(f"{obj.get('contentUrl')}: croissant.json sha256 {obj.get('sha256')}, "
                         f"file {'missing' if entry is None else entry.sha256}")
    if stale:
        raise PublishRefused(f"{folder}: croissant.json does not match the Parquet files (rebuild the card)", stale)
    return entries


def _version(folder: Path) -> str:
    try:
        return str(json.loads((folder / "croissant.json").read_text(encoding="utf-8")).get("version", ""))
    except (OSError, ValueError):
        return ""


def publish(folder: Path, repo_id: str, *, dry_run: bool = False, revision: str | None = None,
            out: TextIO | None = None) -> str | None:
    """Check the folder, then list it (dry run) or upload it; returns the commit URL of a real run."""
    out = out or sys.stdout
    entries = check_folder(folder)
    where = f"datasets/{repo_id}" + (f" (revision {revision})" if revision else "")
    if dry_run:
        for e in entries:
            print(f"{e.size:>12}  {e.sha256}  {e.path}", file=out)
        total = sum(e.size for e in entries)
        print(f"dry run: {len(entries)} files, {total} bytes would be uploaded to {where}; nothing was uploaded",
              file=out)
        return None

    from huggingface_hub import HfApi

    api = HfApi()  # endpoint from HF_ENDPOINT, token from HF_TOKEN or the saved login
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
    if revision:
        api.create_branch(repo_id, repo_type="dataset", branch=revision, exist_ok=True)
    version = _version(folder)
    info = api.upload_folder(
        repo_id=repo_id,
        repo_type="dataset",
        folder_path=str(folder),
        revision=revision,
        commit_message=f"Publish {repo_id.split('/')[-1]} {version}".strip(),
        commit_description=f"{len(entries)} files uploaded by `syria-news-ar publish`.",
    )
    url = getattr(info, "commit_url", str(info))
    print(f"published {len(entries)} files to {where}: {url}", file=out)
    return url


def cmd_publish(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"syria-news-ar publish: error: {folder}: not a directory; pass a dataset folder written by build",
              file=sys.stderr)
        return 2
    if "/" not in args.repo_id or args.repo_id.count("/") != 1 or not all(args.repo_id.split("/")):
        print(f"syria-news-ar publish: error: --repo-id must be OWNER/NAME, got {args.repo_id!r}", file=sys.stderr)
        return 2
    try:
        publish(folder, args.repo_id, dry_run=args.dry_run, revision=args.revision)
    except PublishRefused as exc:
        print(f"syria-news-ar publish: refused: {exc}; nothing was uploaded", file=sys.stderr)
        for line in exc.details:
            print(f"  - {line}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - network / Hub errors: one readable line, no token in it
        from huggingface_hub.errors import HfHubHTTPError, LocalTokenNotFoundError

        if isinstance(exc, (HfHubHTTPError, LocalTokenNotFoundError, OSError)):
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"syria-news-ar publish: upload failed: {first}", file=sys.stderr)
            return 1
        raise
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "publish",
        help="upload a validated dataset folder to the Hugging Face Hub (one commit)",
        description="Validate DIR, then upload it to the Hub dataset repo OWNER/NAME as one commit "
        "(token from HF_TOKEN or `hf auth login`, endpoint from HF_ENDPOINT). With --dry-run, list every "
        "file with its size and sha256 and upload nothing. Exit 1 when the folder fails validation.",
    )
    p.add_argument("dir", metavar="DIR", help="dataset folder (as written by build)")
    p.add_argument("--repo-id", required=True, metavar="OWNER/NAME", help="Hub dataset repository")
    p.add_argument("--dry-run", action="store_true", help="list what would be uploaded; upload nothing")
    p.add_argument("--revision", metavar="REV", help="branch to commit to (created if missing; default: main)")
    p.set_defaults(func=cmd_publish)
