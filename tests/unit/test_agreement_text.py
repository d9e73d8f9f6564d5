"""Help → The information sharing agreement reads the policy in force."""

from __future__ import annotations

from keyworker_app.domain.agreement_text import agreement_lines
from tests.taf_session import shipped_policy


def test_agreement_text_names_partners_exchanges_and_suspension() -> None:
    policy = shipped_policy()
    text = "\n".join(agreement_lines(policy))
    assert policy.name in text
    assert "Leicestershire Police" in text and "Agreed exchanges (Appendix B):" in text
    assert "45 days" in text and "within 14 days" in text
    assert "pnn.police.uk" in text
