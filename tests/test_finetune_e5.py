"""scripts/finetune_e5.py builds its training pairs from the stored items alone, and leaves out
every item a held-out query judges relevant (and its copies), so the held-out split stays unseen.
Cheap: the seeds' store without any stage, no model loaded."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from minutesearch.config import Settings
from minutesearch.ingest import ingest
from minutesearch.locations import PROJECT_ROOT
from minutesearch.store import Store


def _script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "finetune_e5", PROJECT_ROOT / "scripts" / "finetune_e5.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


finetune = _script()


@pytest.fixture(scope="module")
def store(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    idx = tmp_path_factory.mktemp("ft-store")
    ingest([seeds_dir], Settings(index_dir=idx, embedder="none", ner=False), stages=[])
    with Store.open(idx, create=False) as opened:
        yield opened


def judged(store: Store, split: str, tmp_path: Path) -> set[str]:
    """Ids the queries of one split judge, through the script's own resolution (the held-out
    function given a file whose queries of `split` are marked held-out)."""
    rows = [json.loads(line) for line in finetune.QUERIES.read_text(encoding="utf-8").splitlines()]
    only = tmp_path / f"{split}.jsonl"
    only.write_text(
        "\n".join(
            json.dumps({**q, "split": "heldout" if q["split"] == split else "other"}) for q in rows
        ),
        encoding="utf-8",
    )
    return set(finetune.heldout_items(store, only))


def test_pairs_leave_out_every_held_out_item_and_come_from_item_fields(
    store: Store, tmp_path: Path
) -> None:
    heldout = finetune.heldout_items(store)
    assert heldout, "the seeds hold items judged by held-out queries: the check must bite"
    everything = finetune.build_pairs(store, set())
    assert {i for _, _, i in everything} & heldout, "without the exclusion they would be used"
    pairs = finetune.build_pairs(store, heldout)
    assert pairs and not {i for _, _, i in pairs} & heldout
    fields = {r["id"]: r for r in store.conn.execute("SELECT id, title, text, decision FROM items")}
    queries = {
        json.loads(line)["query"].strip().lower()
        for line in finetune.QUERIES.read_text(encoding="utf-8").splitlines()
    }
    for anchor, positive, item_id in pairs:
        item = fields[item_id]
        assert anchor in (item["title"].strip(), (item["decision"] or "").strip())
        assert anchor.lower() not in queries
        assert set(positive.split()) <= set(item["title"].split()) | set(item["text"].split())


def test_dev_judged_items_may_train_held_out_ones_never(store: Store, tmp_path: Path) -> None:
    dev = judged(store, "dev", tmp_path) - finetune.heldout_items(store)
    used = {i for _, _, i in finetune.build_pairs(store, finetune.heldout_items(store))}
    assert dev & used, "items only dev queries judge are fair training data"


def test_limit_and_seed_make_a_fixed_sample(store: Store) -> None:
    heldout = finetune.heldout_items(store)
    assert finetune.build_pairs(store, heldout, 5) == finetune.build_pairs(store, heldout, 5)
    assert len(finetune.build_pairs(store, heldout, 5)) == 5
