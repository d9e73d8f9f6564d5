"""The chronology exported through the secure pipeline: a marked PDF in the safeguarding
layout, on every page, and password-protected per the recipient rule."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyworker_app.errors import UserFacingError
from keyworker_app.reports.protect import is_protected
from keyworker_app.services.export import ExportRequest, ReportKind
from tests.unit.reports.pdf_checks import assert_marked_every_page, pdftotext_pages
from tests.unit.services.export_env import STRONG, ExportEnv

SECURE = "officer@leics.pnn.police.uk"
INSECURE = "someone@example.com"
SHOTS = os.environ.get("KEYWORKER_SHOTS", "")


def chronology_request(env: ExportEnv, address: str, password: str = "") -> ExportRequest:
    return ExportRequest(family_id=env.family_id, report=ReportKind.CHRONOLOGY,
                         destination=env.out / "chronology.pdf",
                         recipient=env.service.recipient_for(address), purpose_id="support",
                         password=password)


def test_chronology_pdf_is_marked_in_the_safeguarding_layout(export_env: ExportEnv) -> None:
    env = export_env
    result = env.service.export(chronology_request(env, SECURE))
    data = result.destination.read_bytes()
    if SHOTS:
        (Path(SHOTS) / "chronology.pdf").write_bytes(data)
    assert not is_protected(data)
    assert assert_marked_every_page(data, env.policy.protective_marking) >= 1
    text = " ".join(" ".join(pdftotext_pages(result.destination)).split())
    for column in ("Date", "Event", "Source", "Significance", "Action taken"):
        assert column in text
    assert "Allocation: Allocated to key worker" in text
    [event] = env.export_events()
    assert "report=chronology" in event


def test_chronology_to_an_ordinary_address_needs_a_password(export_env: ExportEnv,
                                                            tmp_path: Path) -> None:
    env = export_env
    with pytest.raises(UserFacingError, match="not a secure e-mail address"):
        env.service.export(chronology_request(env, INSECURE))
    result = env.service.export(chronology_request(env, INSECURE, STRONG))
    data = result.destination.read_bytes()
    assert is_protected(data) and result.protected
    assert assert_marked_every_page(data, env.policy.protective_marking, STRONG) >= 1


def test_chronology_table_starts_on_the_first_page(export_env: ExportEnv) -> None:
    # A long chronology once moved its whole table to page 2, leaving page 1 all but empty.
    env = export_env
    pages = pdftotext_pages(env.service.export(chronology_request(env, SECURE)).destination)
    assert len(pages) >= 2
    first = " ".join(pages[0].split())
    assert "Events in date order" in first and "Allocation: Allocated to key worker" in first
