"""The administrators' account pages: list, create (the owner chooses a password by e-mail link),
deactivate, grant and revoke roles per dinas; CSRF on every form and every change recorded."""

from __future__ import annotations

from sqlalchemy import select

from ppid.accounts.models import AccountEvent, AccountEventKind, Role, User
from ppid.mail import MailDelivery

from .conftest import csrf_token, sign_in


def post(client, path: str, **data: str):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/akun/")})


def account(platform, username: str) -> User:
    with platform.database.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        user.grants  # noqa: B018  (loaded before the session closes)
        return user


def recorded(platform, user_id: int) -> list[tuple[AccountEventKind, int | None]]:
    with platform.database.session() as session:
        rows = session.scalars(select(AccountEvent).where(AccountEvent.user_id == user_id).order_by(AccountEvent.id))
        return [(event.kind, event.actor_id) for event in rows]


def test_the_administrator_sees_every_account(client, people) -> None:
    sign_in(client, "admin")

    page = client.get("/admin/akun/").get_data(as_text=True)

    for username in ("petugas-a", "petugas-b", "walidata", "atasan", "admin"):
        assert username in page
    assert "Petugas data / PPID Pelaksana" in page


def test_creating_an_account_mails_its_owner_a_link_to_choose_a_password(platform, client, people) -> None:
    sign_in(client, "admin")

    response = post(client, "/admin/akun/", username="petugas.dishub", nama="Petugas Dishub",
                    email="dishub@contoh.go.id", peran="petugas", dinas="dinkes")

    assert response.status_code == 303
    created = account(platform, "petugas.dishub")
    assert [(grant.role, grant.dinas_slug) for grant in created.grants] == [(Role.OFFICER, "dinkes")]
    with platform.database.session() as session:
        mail = session.scalar(select(MailDelivery).where(MailDelivery.recipient == "dishub@contoh.go.id"))
    assert "/atur-sandi/" in mail.body and "petugas.dishub" in mail.body
    assert recorded(platform, created.id)[0] == (AccountEventKind.USER_CREATED, people["admin"])


def test_a_wrong_new_account_is_explained_in_one_sentence(client, people) -> None:
    sign_in(client, "admin")

    response = post(client, "/admin/akun/", username="x y", nama="X", email="x@contoh.go.id", peran="petugas",
                    dinas="dinkes")
    no_dinas = post(client, "/admin/akun/", username="tanpa-dinas", nama="X", email="t@contoh.go.id",
                    peran="petugas", dinas="")

    assert response.status_code == 422
    assert "Nama pengguna hanya boleh" in response.get_data(as_text=True)
    assert no_dinas.status_code == 422
    assert "harus menyebut dinasnya" in no_dinas.get_data(as_text=True)


def test_deactivating_an_account_ends_its_sessions_and_sign_ins(app, platform, client, people) -> None:
    officer = app.test_client()
    sign_in(officer, "petugas-a")
    sign_in(client, "admin")

    response = post(client, f"/admin/akun/{people['petugas-a']}/status", aktif="0")

    assert response.status_code == 303
    assert officer.get("/akun/").status_code == 302
    assert sign_in(app.test_client(), "petugas-a").status_code == 401
    assert (AccountEventKind.USER_DEACTIVATED, people["admin"]) in recorded(platform, people["petugas-a"])
    log = client.get(f"/admin/akun/{people['petugas-a']}").get_data(as_text=True)
    assert "<td>Akun dinonaktifkan</td><td>admin</td>" in log


def test_an_administrator_cannot_deactivate_themself(client, people) -> None:
    sign_in(client, "admin")

    response = post(client, f"/admin/akun/{people['admin']}/status", aktif="0")

    assert response.status_code == 422


def test_roles_are_granted_and_revoked_per_dinas(platform, client, people) -> None:
    sign_in(client, "admin")
    user_id = people["petugas-a"]

    post(client, f"/admin/akun/{user_id}/peran", peran="atasan", dinas="bpkad")
    granted = account(platform, "petugas-a")
    atasan_grant = next(grant for grant in granted.grants if grant.role == Role.ATASAN)
    post(client, f"/admin/akun/{user_id}/peran/{atasan_grant.id}/cabut")

    assert (atasan_grant.dinas_slug, len(granted.grants)) == ("bpkad", 2)
    assert [grant.role for grant in account(platform, "petugas-a").grants] == [Role.OFFICER]
    kinds = [kind for kind, _actor in recorded(platform, user_id)]
    assert AccountEventKind.ROLE_GRANTED in kinds and AccountEventKind.ROLE_REVOKED in kinds


def test_every_change_needs_a_csrf_token(client, people) -> None:
    sign_in(client, "admin")

    response = client.post(f"/admin/akun/{people['petugas-a']}/peran", data={"peran": "admin"})

    assert response.status_code == 400


def test_only_region_wide_administrators_manage_accounts(app, platform, client, people) -> None:
    sign_in(client, "admin")
    post(client, f"/admin/akun/{people['walidata']}/peran", peran="admin", dinas="dinkes")
    scoped_admin = app.test_client()
    sign_in(scoped_admin, "walidata")

    assert scoped_admin.get("/admin/akun/").status_code == 403
    assert post(scoped_admin, f"/admin/akun/{people['petugas-a']}/status", aktif="0").status_code == 403
