"""Assemble the four configs' records (SPEC 3) from what ingest, segment and deduplicate found."""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .ids import content_id
from .ingest import STATUS_TEXT
from .schema import arrow_schema


@dataclass
class Records:
    """Column dicts per config, in publication order, plus each record's document index."""

    paragraphs: dict[str, list]
    sentences: dict[str, list]
    documents: dict[str, list]
    lines: dict[str, list]
    paragraph_doc: list[int]  # document index of each paragraph record
    sentence_doc: list[int]


def _cols(names: list[str]) -> dict[str, list]:
    return {name: [] for name in names}


def assemble(ingested: pa.Table, segmented: pa.Table, documents: pa.Table, dedup: pa.Table) -> Records:
    all_lines = ingested.to_pydict()
    seg = segmented.to_pydict()
    row_of_line = {n: i for i, n in enumerate(all_lines["line_number"])}
    n_docs = documents.num_rows

    # documents: paragraph ids in order (repeats included), then content ids
    doc_pids: list[list[str]] = [[] for _ in range(n_docs)]
    doc_lines: list[list[int]] = [[] for _ in range(n_docs)]
    position_in_doc: dict[int, int] = {}
    for line, doc in zip(seg["line_number"], seg["document"]):
        position_in_doc[line] = len(doc_lines[doc])
        doc_pids[doc].append(all_lines["key_hash"][row_of_line[line]])
        doc_lines[doc].append(line)
    doc_ids: list[str] = []
    seen_content: dict[str, int] = {}
    for pids in doc_pids:
        base = content_id(*pids)
        k = seen_content.get(base, 0)
        seen_content[base] = k + 1
        doc_ids.append(base if k == 0 else content_id(base, str(k)))

    # paragraphs, in order of first occurrence
    seg_row = {n: i for i, n in enumerate(seg["line_number"])}
    source_lines: dict[str, list[int]] = {}
    for line in seg["line_number"]:
        source_lines.setdefault(all_lines["key_hash"][row_of_line[line]], []).append(line)
    para = _cols(arrow_schema("paragraphs").names)
    sent = _cols(arrow_schema("sentences").names)
    paragraph_doc: list[int] = []
    sentence_doc: list[int] = []
    first_doc_of: dict[str, int] = {}
    text_of: dict[str, str] = {}
    for pid, first_line, cluster in zip(
        dedup["paragraph_id"].to_pylist(), dedup["first_line"].to_pylist(), dedup["near_duplicate_cluster"].to_pylist()
    ):
        r, s = row_of_line[first_line], seg_row[first_line]
        text = all_lines["text"][r]
        doc = seg["document"][s]
        starts, ends = seg["sentence_starts"][s], seg["sentence_ends"][s]
        first_doc_of[pid], text_of[pid] = doc, text
        para["id"].append(pid)
        para["document_id"].append(doc_ids[doc])
        para["position"].append(position_in_doc[first_line])
        para["kind"].append(seg["kind"][s])
        para["text"].append(text)
        para["n_chars"].append(len(text))
        para["n_words"].append(len(text.split(" ")))
        para["n_sentences"].append(len(starts))
        para["source_lines"].append(source_lines[pid])
        para["near_duplicate_cluster"].append(cluster)
        para["cleaning"].append(all_lines["cleaning"][r])
        paragraph_doc.append(doc)
        for pos, (a, b) in enumerate(zip(starts, ends)):
            sent["id"].append(content_id(pid, str(pos)))
            sent["paragraph_id"].append(pid)
            sent["document_id"].append(doc_ids[doc])
            sent["position"].append(pos)
            sent["text"].append(text[a:b])
            sent["char_start"].append(a)
            sent["char_end"].append(b)
            sentence_doc.append(doc)

    docs = _cols(arrow_schema("documents").names)
    for d in range(n_docs):
        pids = doc_pids[d]
        docs["id"].append(doc_ids[d])
        docs["position"].append(d)
        docs["text"].append("\n".join(text_of[p] for p in pids))
        docs["paragraph_ids"].append(pids)
        docs["source_line_start"].append(doc_lines[d][0])
        docs["source_line_end"].append(doc_lines[d][-1])
        docs["n_paragraphs"].append(len(pids))
        docs["n_background"].append(sum(1 for p in pids if first_doc_of[p] < d))
        docs["date"].append(documents["date"][d].as_py())

    # the ledger: every source line once; blank/rejected lines belong to the document they sit in
    ledger = _cols(arrow_schema("lines").names)
    doc_of_line = dict(zip(seg["line_number"], seg["document"]))
    first_of_line = dict(zip(seg["line_number"], seg["first_occurrence"]))
    current_doc: str | None = None
    for i, line in enumerate(all_lines["line_number"]):
        status = all_lines["status"][i]
        pid = None
        if status == STATUS_TEXT:
            current_doc = doc_ids[doc_of_line[line]]
            status = "kept" if first_of_line[line] else "duplicate"
            pid = all_lines["key_hash"][i]
        for name in ("line_number", "byte_start", "byte_end", "raw_sha256", "reason"):
            ledger[name].append(all_lines[name][i])
        ledger["status"].append(status)
        ledger["paragraph_id"].append(pid)
        ledger["document_id"].append(current_doc)
    return Records(para, sent, docs, ledger, paragraph_doc, sentence_doc)
