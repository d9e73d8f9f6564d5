"""Password protection for a finished PDF: AES-256, PDF encryption revision 6.

reportlab's own AES-256 output is revision 5, which pypdf refuses and poppler renders blank, so
the document is built unencrypted *in memory* and encrypted here with pikepdf (qpdf), also in
memory. The owner password is random and thrown away: nobody can lift the restrictions with it.
"""

from __future__ import annotations

import io
import secrets

import pikepdf


def protect_pdf(data: bytes, password: str) -> bytes:
    """Return ``data`` encrypted with AES-256 (R6) under ``password``; never touches the disk."""
    if not password:
        raise ValueError("a protected export needs a password")
    owner = secrets.token_urlsafe(32)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        permissions = pikepdf.Permissions(modify_annotation=False, modify_assembly=False,
                                          modify_form=False, modify_other=False)
        pdf.save(out, encryption=pikepdf.Encryption(user=password, owner=owner, R=6,
                                                    allow=permissions),
                 compress_streams=True)
    return out.getvalue()


def is_protected(data: bytes) -> bool:
    """True if ``data`` is an encrypted PDF (it cannot be opened without a password)."""
    try:
        with pikepdf.open(io.BytesIO(data)):
            return False
    except pikepdf.PasswordError:
        return True
