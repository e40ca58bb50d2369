"""The connector registry: built-ins without manual imports, entry points, validation."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import BaseModel, Field

from hrtech_etl.core.errors import MetadataError, UnknownConnectorError
from hrtech_etl.core.registry import (
    ConnectorMeta,
    get_connector_instance,
    list_connectors,
    register_connector,
)
from hrtech_etl.core.types import WarehouseType
from tests.fakes.memory import MemoryConnector

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, extra_path: Path | None = None) -> str:
    paths = [str(ROOT)] + ([str(extra_path)] if extra_path else [])
    env_code = f"import sys; sys.path[:0] = {paths!r}\n" + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", env_code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_builtins_resolve_by_name_without_importing_the_others() -> None:
    out = run_python(
        """
        import sys
        from hrtech_etl.core.registry import get_connector_instance
        c = get_connector_instance("warehouse_a", auth={"type": "api_key", "api_key": "k"})
        print(type(c).__name__, c.auth.base_url)
        print("warehouse_b" in " ".join(sys.modules))
        """
    )
    assert out.split() == ["WarehouseAConnector", "https://api.warehouse-a.example", "False"]


def test_list_connectors_includes_the_reference_connectors() -> None:
    names = [meta.name for meta in list_connectors()]
    assert {"warehouse_a", "warehouse_b"} <= set(names)


def test_unknown_connector_suggests_the_closest() -> None:
    with pytest.raises(UnknownConnectorError, match="did you mean 'warehouse_a'"):
        get_connector_instance("warehose_a")


def test_third_party_connector_through_an_entry_point(tmp_path: Path) -> None:
    (tmp_path / "acme_ats.py").write_text(
        textwrap.dedent(
            """
            from hrtech_etl.core.registry import ConnectorMeta
            from hrtech_etl.core.types import WarehouseType
            from tests.fakes.memory import MemoryConnector

            class AcmeConnector(MemoryConnector):
                name = "acme"

            CONNECTOR = ConnectorMeta(
                name="acme", label="Acme ATS", warehouse_type=WarehouseType.ATS,
                connector_cls=AcmeConnector,
            )
            """
        )
    )
    dist = tmp_path / "acme_ats-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-ats\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[hrtech_etl.connectors]\nacme = acme_ats:CONNECTOR\n")
    out = run_python(
        """
        from hrtech_etl.core.registry import get_connector_instance, list_connectors
        print(type(get_connector_instance("acme")).__name__)
        print(",".join(m.name for m in list_connectors()))
        """,
        extra_path=tmp_path,
    )
    first, second = out.split()
    assert first == "AcmeConnector"
    assert "acme" in second.split(",") and "warehouse_a" in second.split(",")


def test_registration_validates_model_metadata() -> None:
    class BadJob(BaseModel):
        id: str = Field(
            ..., json_schema_extra={"cursor": "uid", "prefilter": {"operators": ["like"]}}
        )

    class BadConnector(MemoryConnector):
        name: ClassVar[str] = "bad"
        job_native_cls: ClassVar[type[BaseModel] | None] = BadJob

    meta = ConnectorMeta(
        name="bad", label="Bad", warehouse_type=WarehouseType.ATS, connector_cls=BadConnector
    )
    with pytest.raises(MetadataError, match=r"BadJob\.id: unknown operator 'like'"):
        register_connector(meta)
