from pathlib import Path

import pytest

from assistant.core.accounts import Role, accounts, credentials, is_admin
from assistant.core.config import Settings


def test_no_credentials_means_no_login(settings: Settings) -> None:
    assert credentials(settings) == []


def test_env_pairs_and_file_lines_are_combined(settings: Settings, tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text("# content team\ncarla:s3cret:with:colons\n\n  dan:pw  \n", encoding="utf-8")
    configured = settings.with_overrides(auth="ana:one, ben:two", auth_file=str(users))
    assert credentials(configured) == [("ana", "one"), ("ben", "two"), ("carla", "s3cret:with:colons"), ("dan", "pw")]


@pytest.mark.parametrize("auth", ["ana", "ana:", ":pw"])
def test_a_malformed_entry_is_refused_without_echoing_it(settings: Settings, auth: str) -> None:
    with pytest.raises(ValueError, match="NETZERO_AUTH: expected user:password") as error:
        credentials(settings.with_overrides(auth=f"ok:fine,{auth}"))
    assert "fine" not in str(error.value)


def test_a_missing_or_bad_auth_file_is_named(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no such file"):
        credentials(settings.with_overrides(auth_file=str(tmp_path / "missing.txt")))
    bad = tmp_path / "bad.txt"
    bad.write_text("ok:pw\nnobody\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt, line 2"):
        credentials(settings.with_overrides(auth_file=str(bad)))


def test_a_last_part_naming_a_role_is_the_role(settings: Settings) -> None:
    configured = settings.with_overrides(auth="ana:one:admin,ben:two:user,carla:pw:with:colons")
    found = {a.user: a for a in accounts(configured)}
    assert (found["ana"].password, found["ana"].role) == ("one", Role.ADMIN)
    assert (found["ben"].password, found["ben"].role) == ("two", Role.USER)
    assert (found["carla"].password, found["carla"].role) == ("pw:with:colons", Role.USER)
    assert is_admin(configured, "ana") and not is_admin(configured, "ben") and not is_admin(configured, None)


def test_a_role_alone_is_not_a_password(settings: Settings) -> None:
    with pytest.raises(ValueError, match="expected user:password"):
        accounts(settings.with_overrides(auth="ana::admin"))
