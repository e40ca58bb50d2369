"""Example formatters: Warehouse A → Warehouse B, native to native (no unified detour).

Pass them to `pull` / `push` as ``formatter=a_to_b.format_job`` or ``format_profile``.
"""

from __future__ import annotations

from hrtech_etl.connectors.warehouse_a.models import WarehouseAJob, WarehouseAProfile
from hrtech_etl.connectors.warehouse_b.models import WarehouseBJob, WarehouseBProfile


def format_job(job: WarehouseAJob) -> WarehouseBJob:
    location = ", ".join(part for part in (job.location_city, job.location_country) if part)
    return WarehouseBJob(
        job_id=job.job_id,
        title=job.title,
        location=location or None,
        tags=[*job.tags, *job.skills],
        archived=job.status == "archived" or job.archived_at is not None,
        created_at=job.created_at,
        updated_at=job.updated_at,
        payload=job.payload,
    )


def format_profile(profile: WarehouseAProfile) -> WarehouseBProfile:
    return WarehouseBProfile(
        profile_id=profile.profile_id,
        full_name=profile.full_name,
        email=profile.email,
        headline=profile.headline,
        tags=[*profile.tags, *profile.skills],
        archived=profile.archived_at is not None,
        created_at=profile.created_at,
        updated_at=profile.updated_at,
        payload=profile.payload,
    )
