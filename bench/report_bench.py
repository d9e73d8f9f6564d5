"""Report benchmark: a ~100-page TAF preparation pack, marked and AES-256 protected, against
the same document rendered unprotected in the same run.

Not a test: nothing here asserts time. Target: protected <= 3 s and <= 1.2x unprotected.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402

from keyworker_app.domain.taf import (  # noqa: E402
    Action,
    Decision,
    Meeting,
    MeetingType,
    SharedInformation,
    ShareMethod,
)
from keyworker_app.reports import taf_pack  # noqa: E402
from keyworker_app.reports.meta import ReportMeta  # noqa: E402
from keyworker_app.reports.protect import protect_pdf  # noqa: E402
from keyworker_app.services.demo_data import generate_families  # noqa: E402
from keyworker_app.services.policy_loader import load_policy, shipped_policy_path  # noqa: E402

PASSWORD = "Tr4m-Lantern-91"
NOW = datetime(2025, 3, 7, 14, 30, tzinfo=UTC)
TEXT = ("Home visit with mum and both children. School attendance diary reviewed; the morning "
        "routine is holding and the bus pass has arrived. Agreed next steps with the school "
        "and housing officer. ")


def pack_for_pages(meetings: int, actions: int, items: int) -> taf_pack.PackRecords:
    """An invented family with many meetings, open actions and shared items."""
    family = replace(generate_families(1, 7, date(2025, 3, 7))[0], id=1)
    held = [Meeting(1, MeetingType.REVIEW, datetime(2024, 1, 8, 10, 0) + timedelta(weeks=6 * i),
                    chair="Sam Worker", decisions=tuple(Decision(f"Decision {i}.{d}: " + TEXT)
                                                        for d in range(6)), id=i + 1)
            for i in range(meetings)]
    plan = [Action(f"Action {i}: " + TEXT * (1 + i % 3), "Sam Worker", "leicester-city",
                   date(2025, 1, 1) + timedelta(days=i % 90), meeting_id=1 + i % meetings,
                   id=i + 1) for i in range(actions)]
    shared = [SharedInformation(
        "leicestershire-police", "police-allocated-families", f"Item {i}: " + TEXT * (1 + i % 4),
        date(2024, 6, 1) + timedelta(days=i % 280), ShareMethod.SECURE_EMAIL,
        "Leicestershire Police", lawful_basis="cda-1998-s115", basis_reason="Crime and disorder.",
        id=i + 1) for i in range(items)]
    return taf_pack.PackRecords(family, held, plan, shared)


def main() -> None:
    policy = load_policy(shipped_policy_path())
    meta = ReportMeta(taf_pack.TITLE, "KW-BENCH", "RESTRICTED",
                      "Handle per the ISA Appendix C: keep locked away, send only by secure "
                      "e-mail or in a password-protected attachment, destroy securely.",
                      "Bench Lead (Team lead), Leicester City Council", NOW)
    records = pack_for_pages(8, 118, 180)

    def plain() -> bytes:
        return taf_pack.build(records, policy, meta, NOW, purpose_label="Support",
                              destination_label="Print")

    def protected() -> bytes:
        return protect_pdf(plain(), PASSWORD)

    pages = len(PdfReader(io.BytesIO(plain())).pages)
    runs = 5
    plain_times, protected_times = [], []
    for _ in range(runs):  # interleaved so drift hits both alike
        start = time.perf_counter()
        plain()
        plain_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        protected()
        protected_times.append(time.perf_counter() - start)
    p, q = statistics.median(plain_times), statistics.median(protected_times)
    print(f"TAF preparation pack, {pages} pages, median of {runs}:")
    print(f"  unprotected (marked):          {p:6.3f} s")
    print(f"  marked + AES-256 R6 protected: {q:6.3f} s")
    print(f"  ratio protected/unprotected:   {q / p:6.3f}x  (target <= 1.2x, <= 3 s)")


if __name__ == "__main__":
    main()
