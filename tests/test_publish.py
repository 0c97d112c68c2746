"""publish: refuses invalid folders, dry-run lists every file, a real run sends every file to a local fake Hub.

The Hub is never contacted: the upload goes to a small threaded HTTP server on 127.0.0.1 that speaks
just enough of the Hub API for huggingface_hub 2.4 (repo create, branch create, README YAML check,
preupload -> "regular" for every file so contents travel in the commit body, commit). The upload runs
in a subprocess whose sockets are restricted to loopback, with HF_ENDPOINT pointing at the server.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from syria_news_ar import cli, paths
from syria_news_ar.publish import manifest

REPO_ID = "someone/syria-news-ar"
TOKEN = "hf_localtestTOKEN0123456789abcdefXYZ"
SERVER_LIFETIME_S = 60  # the server shuts itself down after this, whatever happens
CLIENT_TIMEOUT_S = 60


def tree(folder: Path) -> dict[str, tuple[int, str]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def dataset_copy(seed_build, tmp_path: Path) -> Path:
    out, _ = seed_build
    copy = tmp_path / "dataset"
    shutil.copytree(out, copy)
    return copy


# ------------------------------------------------------------------------------------------------
# refusal and dry run (in process)
# ------------------------------------------------------------------------------------------------


def test_dry_run_lists_every_file_sorted(seed_build, capsys) -> None:
    out, _ = seed_build
    assert cli.main(["publish", str(out), "--repo-id", REPO_ID, "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = tree(out)
    listed = [line.split() for line in lines[:-1]]
    assert [row[2] for row in listed] == sorted(expected)
    assert {row[2]: (int(row[0]), row[1]) for row in listed} == expected
    assert {"README.md", "croissant.json", "CITATION.cff", "paragraph_lengths.png"} <= set(expected)
    assert sum(1 for p in expected if p.endswith(".parquet")) == sum(len(paths.splits_of(c)) for c in paths.CONFIGS)
    assert lines[-1].startswith(f"dry run: {len(expected)} files") and "nothing was uploaded" in lines[-1]
    assert [(e.path, e.size, e.sha256) for e in manifest(out)] == [(p, *v) for p, v in expected.items()]


def test_refuses_a_folder_that_fails_validation(dataset_copy: Path, capsys) -> None:
    path = dataset_copy / paths.parquet_relpath("paragraphs", "test")
    table = pq.read_table(path)
    kinds = table.column("kind").to_pylist()
    kinds[0] = "not-a-kind"
    pq.write_table(table.set_column(table.schema.get_field_index("kind"), "kind", [kinds]), path)
    assert cli.main(["publish", str(dataset_copy), "--repo-id", REPO_ID, "--dry-run"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "refused" in captured.err and "fails validation" in captured.err and "nothing was uploaded" in captured.err
    assert "schema.paragraphs" in captured.err


def test_refuses_a_stale_card(dataset_copy: Path, capsys) -> None:
    """Same records, different bytes: the Parquet no longer matches croissant.json's sha256."""
    path = dataset_copy / paths.parquet_relpath("lines", "full")
    pq.write_table(pq.read_table(path), path, compression="snappy")
    assert cli.main(["publish", str(dataset_copy), "--repo-id", REPO_ID, "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "croissant.json does not match" in err and "data/lines/full-00000-of-00001.parquet" in err


def test_refuses_a_folder_without_card(dataset_copy: Path, capsys) -> None:
    (dataset_copy / "croissant.json").unlink()
    assert cli.main(["publish", str(dataset_copy), "--repo-id", REPO_ID, "--dry-run"]) == 1
    assert "croissant.json" in capsys.readouterr().err


def test_bad_arguments_exit_2(tmp_path: Path, seed_build, capsys) -> None:
    assert cli.main(["publish", str(tmp_path / "missing"), "--repo-id", REPO_ID, "--dry-run"]) == 2
    assert cli.main(["publish", str(seed_build[0]), "--repo-id", "no-owner", "--dry-run"]) == 2
    assert "OWNER/NAME" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------
# real upload against a local fake Hub
# ------------------------------------------------------------------------------------------------


class FakeHub:
    """Threaded HTTP server on 127.0.0.1 recording every request; stops itself after a while."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.commits: list[list[dict]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _reply(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                hub.requests.append({"method": "GET", "path": self.path, "headers": dict(self.headers)})
                self._reply(404, {"error": f"not implemented in the fake hub: GET {self.path}"})

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                path = self.path.split("?")[0]
                hub.requests.append({"method": "POST", "path": path, "headers": dict(self.headers), "body": body})
                base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
                prefix = f"/api/datasets/{REPO_ID}/"
                if path == "/api/repos/create":
                    self._reply(200, {"url": f"{base}/datasets/{REPO_ID}"})
                elif path == "/api/validate-yaml":
                    self._reply(200, {"errors": [], "warnings": []})
                elif path.startswith(prefix + "branch/"):
                    self._reply(200, {})
                elif path.startswith(prefix + "preupload/"):
                    files = json.loads(body)["files"]
                    self._reply(200, {"files": [
                        {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": None} for f in files
                    ]})
                elif path.startswith(prefix + "commit/"):
                    hub.commits.append([json.loads(line) for line in body.splitlines() if line.strip()])
                    self._reply(200, {"commitUrl": f"{base}/datasets/{REPO_ID}/commit/{'1' * 40}",
                                      "commitOid": "1" * 40, "pullRequestUrl": None})
                else:
                    self._reply(404, {"error": f"not implemented in the fake hub: POST {path}"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.timer = threading.Timer(SERVER_LIFETIME_S, self.server.shutdown)
        self.timer.daemon = True

    def __enter__(self) -> FakeHub:
        self.thread.start()
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


# Runs the real CLI with every socket connection outside loopback refused (and recorded).
GUARDED_CLI = r"""
import socket, sys
blocked = []
_connect = socket.socket.connect
def connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if host not in ("127.0.0.1", "::1", "localhost"):
        blocked.append(str(address))
        sys.stderr.write(f"GUARD: blocked connection to {address}\n")
        raise OSError(f"blocked by test guard: {address}")
    return _connect(self, address)
socket.socket.connect = connect
from syria_news_ar.cli import main
rc = main(sys.argv[1:])
sys.stderr.write(f"GUARD: {len(blocked)} blocked\n")
sys.exit(rc)
"""


def guarded_env(endpoint: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY") and not k.startswith("HF_")}
    env.update(
        HF_ENDPOINT=endpoint,
        HF_TOKEN=TOKEN,
        HF_HOME=str(tmp_path / "hf-home"),
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HUB_ETAG_TIMEOUT="5",
        HF_HUB_DOWNLOAD_TIMEOUT="5",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


@pytest.mark.parametrize("revision", [None, "v0.1.0"])
def test_upload_sends_every_file_in_one_commit(seed_build, tmp_path: Path, revision: str | None) -> None:
    out, _ = seed_build
    expected = tree(out)
    args = ["publish", str(out), "--repo-id", REPO_ID] + (["--revision", revision] if revision else [])
    with FakeHub() as hub:
        proc = subprocess.run([sys.executable, "-c", GUARDED_CLI, *args], env=guarded_env(hub.url, tmp_path),
                              capture_output=True, text=True, timeout=CLIENT_TIMEOUT_S)
    assert proc.returncode == 0, proc.stderr
    assert "GUARD: 0 blocked" in proc.stderr
    assert TOKEN not in proc.stdout and TOKEN not in proc.stderr
    assert f"published {len(expected)} files" in proc.stdout

    paths_hit = [(r["method"], r["path"]) for r in hub.requests]
    rev = revision or "main"
    assert paths_hit[0] == ("POST", "/api/repos/create")
    assert json.loads(hub.requests[0]["body"]) == {"name": REPO_ID.split("/")[1], "organization": REPO_ID.split("/")[0],
                                                   "type": "dataset"}
    assert ("POST", f"/api/datasets/{REPO_ID}/preupload/{rev}") in paths_hit
    assert ("POST", f"/api/datasets/{REPO_ID}/commit/{rev}") in paths_hit
    if revision:
        assert ("POST", f"/api/datasets/{REPO_ID}/branch/{revision}") in paths_hit
    assert all(r["method"] == "POST" for r in hub.requests), paths_hit  # nothing unexpected was asked
    for r in hub.requests:
        assert r["headers"].get("authorization") == f"Bearer {TOKEN}" or r["headers"].get("Authorization") == f"Bearer {TOKEN}"

    assert len(hub.commits) == 1  # one commit
    header, *ops = hub.commits[0]
    assert header["key"] == "header" and "0.1.0" in header["value"]["summary"]
    assert all(op["key"] == "file" and op["value"]["encoding"] == "base64" for op in ops)
    sent = {}
    for op in ops:
        content = base64.b64decode(op["value"]["content"])
        sent[op["value"]["path"]] = (len(content), hashlib.sha256(content).hexdigest())
    assert sent == expected
