"""claims.py: the first caller in any process gets a claim, every later one does not."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from syria_news_ar.claims import Claims, new_claims


def test_a_claim_is_taken_once() -> None:
    with new_claims() as claims:
        assert claims.take("texts")
        assert not claims.take("texts")
        assert claims.take("files")
        folder = claims.folder
        assert folder.is_dir()
    assert not folder.exists()


def test_a_claim_taken_in_another_process_is_not_taken_here(tmp_path: Path) -> None:
    code = f"from pathlib import Path; from syria_news_ar.claims import Claims; print(Claims(Path({str(tmp_path)!r})).take('texts'))"
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert (first.stdout.strip(), again.stdout.strip()) == ("True", "False")
    assert not Claims(tmp_path).take("texts") and Claims(tmp_path).take("files")
