"""Report benchmark: a ~100-page case summary, marked and AES-256 protected, against the same
document rendered unprotected in the same run. (The TAF preparation pack takes its place once
the TAF reports land; the page furniture, tables and protection are the same machinery.)

Not a test: nothing here asserts time. Target: protected <= 3 s and <= 1.2x unprotected.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402

from keyworker_app.domain.family import CaseNote, ContactKind, Family  # noqa: E402
from keyworker_app.reports import case_summary  # noqa: E402
from keyworker_app.reports.page import ReportMeta  # noqa: E402
from keyworker_app.reports.protect import protect_pdf  # noqa: E402
from keyworker_app.services.demo_data import generate_families  # noqa: E402

PASSWORD = "Tr4m-Lantern-91"
TEXT = ("Home visit with mum and both children. School attendance diary reviewed; the morning "
        "routine is holding and the bus pass has arrived. Agreed next steps with the school "
        "and housing officer. ")


def family_for_pages(notes: int) -> Family:
    family = generate_families(1, 7, date(2025, 3, 7))[0]
    log = tuple(CaseNote(ContactKind.HOME_VISIT, datetime(2024, 1, 1, 9, 0).replace(
        day=1 + i % 28, month=1 + i % 12), "Sam Worker", TEXT * (2 + i % 4))
        for i in range(notes))
    return replace(family, notes=log)


def main() -> None:
    meta = ReportMeta("Case summary", "KW-BENCH", "RESTRICTED",
                      "Handle per the ISA Appendix C: keep locked away, send only by secure "
                      "e-mail or in a password-protected attachment, destroy securely.",
                      "Bench Worker (Key worker), Leicester City Council",
                      datetime(2025, 3, 7, 14, 30, tzinfo=UTC))
    family = family_for_pages(345)

    def plain() -> bytes:
        return case_summary.build(family, meta, date(2025, 3, 7), "Support", "Print")

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
    print(f"case summary, {pages} pages, median of {runs}:")
    print(f"  unprotected (marked):          {p:6.3f} s")
    print(f"  marked + AES-256 R6 protected: {q:6.3f} s")
    print(f"  ratio protected/unprotected:   {q / p:6.3f}x  (target <= 1.2x, <= 3 s)")


if __name__ == "__main__":
    main()
