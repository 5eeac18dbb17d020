from pathlib import Path

import pytest

from assistant.core.config import Settings
from assistant.ui.auth import credentials


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
