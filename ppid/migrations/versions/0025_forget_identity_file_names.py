"""forget the names identity-document uploads had: they often hold the NIK in clear (UU 27/2022)

Versions before 0017 kept each KTP or surat kuasa scan's original file name (``nama_berkas``) in
``permohonan_pemohon.identity_documents``; people name a scan after what is on it ("KTP 3201014507900001
Siti.jpg"). Nothing reads that name any more (officers see a generated one), so it is removed from every row.
The downgrade cannot bring the names back, and does not need to.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 19:05:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

FORGOTTEN = "nama_berkas"


def upgrade() -> None:
    requesters = sa.table("permohonan_pemohon", sa.column("permohonan_id", sa.Integer),
                          sa.column("identity_documents", ppid.db.JsonDocument))
    connection = op.get_bind()
    for permohonan_id, documents in connection.execute(sa.select(requesters.c.permohonan_id,
                                                                 requesters.c.identity_documents)).all():
        if documents and any(FORGOTTEN in document for document in documents):
            connection.execute(requesters.update().where(requesters.c.permohonan_id == permohonan_id).values(
                identity_documents=[{key: value for key, value in document.items() if key != FORGOTTEN}
                                    for document in documents]))


def downgrade() -> None:
    """Nothing to undo: the names are gone for good, which is the point."""
